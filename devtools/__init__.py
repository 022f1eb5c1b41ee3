"""Development and test tools: never imported by the product (fastopp_site and the apps).

- fake_llm: a local OpenAI-compatible server with latency, token rate and faults.
- net: free loopback ports and waiting for a condition or a port.
- databases: whether a PostgreSQL server answers; the test database's URL for other processes.
- pytest_plugin: the fixtures every app's tests and the benchmark's tests share.
"""
