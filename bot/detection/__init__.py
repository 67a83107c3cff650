"""Which language a message is written in (engine layer): `detector.py`, with `lingua.py` scoring."""
