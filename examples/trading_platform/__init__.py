"""An example relying party (交易平台) of 数信签's mutual-recognition scan services: see README.md."""
