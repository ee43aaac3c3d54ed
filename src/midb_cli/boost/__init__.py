"""The boost pipeline: read -> language ID -> checks -> booster -> guards -> write."""
