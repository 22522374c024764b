"""The application layer: settings, the `fenliu` command, the HTTP service and the console."""
