"""Raw landing: the bytes of every input kept content-addressed, the polite HTTP client, the news
crawler and the replay of recorded sites."""
