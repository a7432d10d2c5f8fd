# The back office has no models of its own: import runs are the exchange's (kabinet.exchange),
# the audit trail is kabinet.audit's.
