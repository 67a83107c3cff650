"""The handoff to staff on Telegram (features layer); the domain (cases, roster, drafts) is in bot/handoff/.

- `intercept.py`: the one handler, before the assistant's: the person's side (`person.py`, `rating.py`,
  complaint answers and Cancel) and the staff chat (`staff.py`, `staff_commands.py`);
- `service.py`: the `Handoff` service; `relay.py`: open a case (forum topic + card), deliver, close;
  `card.py`: what staff and the waiting person are shown;
- `escalation.py`: after the assistant's turn, escalate instead of answering: `urgent.py`, a request
  for a person, `complaint.py` (three questions, then a complaint case).
"""
