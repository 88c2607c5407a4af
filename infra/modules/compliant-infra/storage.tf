# OSS: the training-data bucket and the bucket its access logs go to, hardened alike: private,
# public access blocked, SSE-KMS, versioning, access logging, HTTPS-only (TLS 1.2+), ZRS,
# reachable by this account from this VPC only.

locals {
  buckets = {
    training    = "${var.name}-training-${local.account_id}"
    access-logs = "${var.name}-access-logs-${local.account_id}"
  }
}

resource "alicloud_oss_bucket" "this" {
  for_each        = local.buckets
  bucket          = each.value
  redundancy_type = local.on ? "ZRS" : "LRS"
  storage_class   = "Standard"
  force_destroy   = false
  tags            = local.tags
}

resource "alicloud_oss_bucket_acl" "this" {
  for_each = alicloud_oss_bucket.this
  bucket   = each.value.bucket
  acl      = "private"
}

resource "alicloud_oss_bucket_public_access_block" "this" {
  for_each            = alicloud_oss_bucket.this
  bucket              = each.value.bucket
  block_public_access = local.on
}

resource "alicloud_oss_bucket_server_side_encryption" "this" {
  for_each          = alicloud_oss_bucket.this
  bucket            = each.value.bucket
  sse_algorithm     = local.on ? "KMS" : "AES256"
  kms_master_key_id = local.on ? alicloud_kms_key.main.id : null
}

resource "alicloud_oss_bucket_versioning" "this" {
  for_each = alicloud_oss_bucket.this
  bucket   = each.value.bucket
  status   = local.on ? "Enabled" : "Suspended"
}

# The log bucket records access to itself too, under its own prefix.
resource "alicloud_oss_bucket_logging" "this" {
  for_each      = alicloud_oss_bucket.this
  bucket        = each.value.bucket
  target_bucket = alicloud_oss_bucket.this["access-logs"].bucket
  target_prefix = "${each.key}/"
}

resource "alicloud_oss_bucket_https_config" "this" {
  for_each     = alicloud_oss_bucket.this
  bucket       = each.value.bucket
  enable       = local.on
  tls_versions = ["TLSv1.2", "TLSv1.3"]
}

resource "alicloud_oss_bucket_transfer_acceleration" "this" {
  for_each = alicloud_oss_bucket.this
  bucket   = each.value.bucket
  enabled  = true
}

resource "alicloud_oss_bucket_referer" "this" {
  for_each            = alicloud_oss_bucket.this
  bucket              = each.value.bucket
  allow_empty_referer = false
  referer_list        = var.referer_allow_list
}

resource "alicloud_oss_bucket_policy" "this" {
  for_each = alicloud_oss_bucket.this
  bucket   = each.value.bucket
  policy = jsonencode({
    Version = "1"
    Statement = [
      {
        Effect    = "Deny"
        Action    = ["oss:*"]
        Principal = ["*"]
        Resource  = ["acs:oss:*:${local.account_id}:${each.value.bucket}", "acs:oss:*:${local.account_id}:${each.value.bucket}/*"]
        Condition = { Bool = { "acs:SecureTransport" = ["false"] } }
      },
      {
        Effect    = "Allow"
        Action    = ["oss:GetObject", "oss:PutObject", "oss:ListObjects"]
        Principal = [local.account_id]
        Resource  = ["acs:oss:*:${local.account_id}:${each.value.bucket}", "acs:oss:*:${local.account_id}:${each.value.bucket}/*"]
        Condition = { StringEquals = { "acs:SourceVpc" = [alicloud_vpc.main.id] } }
      },
    ]
  })
}
