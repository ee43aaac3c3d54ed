"""Transport of the ``openai`` backend (moving into ``midb_cli.llm``)."""
