"""Buttons on papers (issue 11): the callback payload codec, the keyboards, the compact
digest layout and the handler that answers a press. Platform-neutral: adapters render the
`Button` rows and turn presses into `ButtonPress` values."""
