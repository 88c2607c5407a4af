# The embedding model as a PAI-EAS service: the model files from the OSS training bucket (mounted read-only),
# served by a container with an OpenAI-compatible /v1/embeddings API, reached from the application tier over
# EAS's VPC direct connection in the pai-eas security group. Hosts set EMBEDDING_PROVIDER=pai-eas with the
# URL below, so every host embeds with this one model instead of a model on its own disk.

data "alicloud_caller_identity" "current" {}

locals {
  service = replace("${var.name}_embedding", "-", "_")
}

resource "alicloud_pai_service" "embedding" {
  develop = "false"
  service_config = jsonencode({
    metadata = {
      name     = local.service
      instance = var.replicas
    }
    cloud = {
      computing  = { instance_type = var.instance_type }
      networking = { vpc_id = var.vpc_id, vswitch_id = var.vswitch_id, security_group_id = var.security_group_id }
    }
    storage = [{
      oss        = { path = "oss://${var.model_bucket}/${var.model_path}/", readOnly = true }
      mount_path = "/models"
    }]
    containers = [{
      image  = var.image
      script = var.command
      port   = 8000
    }]
  })
  tags = merge({ application = "onramp", role = "embedding" }, var.tags)
}
