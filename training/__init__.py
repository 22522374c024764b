"""For trainers and evaluators: corpus loading, fitting, evaluation and the model registry."""
