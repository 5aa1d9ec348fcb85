"""Detectors, one folder per paper."""
