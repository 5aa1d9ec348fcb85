"""Exceptions ganad raises of its own, importable without torch (the command line catches them)."""


class TrainingDivergedError(RuntimeError):
    """Fitting produced a NaN or an infinity (a loss, a network tensor, a fitted value or the
    training scores that set ``offset_``); no model is kept."""
