"""The contract as data: taxonomy, jurisdiction profiles, lexicons and labelled calls.

Everything here is read from files beside this module, so a county can change its data
without touching code.
"""
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
