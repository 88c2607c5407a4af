# Compute baseline every onramp host shares: the Alibaba Cloud Linux image, the RAM role hosts
# use instead of access keys, and the snapshot policy for their disks. The hosts themselves are
# in the workers module, one group per service.

data "alicloud_images" "alinux" {
  owners      = "system"
  name_regex  = "^aliyun_3_x64_20G_alibase_"
  most_recent = true
}

resource "alicloud_ram_role" "host" {
  role_name   = "${var.name}-host"
  description = "Assumed by onramp ECS hosts: decrypt their secrets, pull the image, read and write training data."
  assume_role_policy_document = jsonencode({
    Version = "1"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = ["ecs.aliyuncs.com"] }
    }]
  })
}

resource "alicloud_ram_policy" "host" {
  policy_name = "${var.name}-host"
  description = "Least privilege for onramp hosts."
  policy_document = jsonencode({
    Version = "1"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = ["acs:kms:${var.region}:${local.account_id}:key/${alicloud_kms_key.main.id}"]
      },
      {
        Effect   = "Allow"
        Action   = ["cr:GetAuthorizationToken", "cr:PullRepository"]
        Resource = ["acs:cr:${var.region}:${local.account_id}:repository/${var.name}/*"]
      },
      {
        Effect = "Allow"
        Action = ["oss:GetObject", "oss:PutObject", "oss:ListObjects"]
        Resource = [
          "acs:oss:*:${local.account_id}:${alicloud_oss_bucket.this["training"].bucket}",
          "acs:oss:*:${local.account_id}:${alicloud_oss_bucket.this["training"].bucket}/*",
        ]
      },
    ]
  })
}

resource "alicloud_ram_role_policy_attachment" "host" {
  role_name   = alicloud_ram_role.host.role_name
  policy_name = alicloud_ram_policy.host.policy_name
  policy_type = "Custom"
}

resource "alicloud_ecs_auto_snapshot_policy" "daily" {
  auto_snapshot_policy_name = "${var.name}-daily"
  repeat_weekdays           = ["1", "2", "3", "4", "5", "6", "7"]
  time_points               = ["2"]
  retention_days            = var.backup_retention_days
  tags                      = local.tags
}
