"""Small helpers shared by every layer: devices, seeds and input validation."""
