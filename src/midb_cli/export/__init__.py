"""Data out: the chosen records in a trainer's format (`midb export`), and a booster's SFT set
in exactly the format midb sends at inference (`midb train-data`)."""
