"""ParkOS: the open-source operating platform of a science and software park."""
