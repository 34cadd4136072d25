from quartier.platform.api.exceptions import exception_handler

__all__ = ["exception_handler"]
