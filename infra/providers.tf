# Credentials come from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET or an
# assumed role), never from this file.
provider "alicloud" {
  region = var.region
}
