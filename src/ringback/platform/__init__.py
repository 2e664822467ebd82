"""The platform services that read state: authentication, billing, provisioning accounts."""
