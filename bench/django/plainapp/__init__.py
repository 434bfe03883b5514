"""The plain notification view the Django bench compares vpos with (``views.py``)."""
