"""LLM-as-judge tasks built on the LLM layer: the paper's pairwise judge (`midb judge`) and the
single-answer score (`midb score`)."""
