"""One router per audience: public, operator, trainer/admin, console."""
