"""Multilingual information assistant for migrants: front ends, CLI and storage."""
