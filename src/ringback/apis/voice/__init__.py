"""The Voice API (api.nexmo.com/v1/calls): calls over the simulated network, driven by the
NCCO engine (`ringback.ncco`)."""
