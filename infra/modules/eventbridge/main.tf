# IDaaS lifecycle events → EventBridge default bus → rule → one of two targets (var.intake):
#   http: an API destination (ingest POST /events) over the VPC, with the ingest bearer token;
#   mns:  an MNS queue that ingest's MNS intake polls (ali-mns), the CloudEvent as a base64 body.
# Either way with backoff retries and an MNS dead-letter queue (`onramp mns drain` empties it).

data "alicloud_caller_identity" "current" {}

data "alicloud_kms_plaintext" "ingest_token" {
  count           = var.intake == "http" ? 1 : 0
  ciphertext_blob = var.ingest_token_ciphertext
}

locals {
  account_id            = data.alicloud_caller_identity.current.account_id
  dead_letter_queue_arn = "acs:mns:${var.region}:${local.account_id}:/queues/${alicloud_message_service_queue.dead_letters.queue_name}"
}

resource "alicloud_message_service_queue" "intake" {
  count                    = var.intake == "mns" ? 1 : 0
  queue_name               = "${var.name}-ingest-intake"
  message_retention_period = 604800
  # The intake extends a message's visibility itself while the log is unavailable.
  visibility_timeout   = 60
  polling_wait_seconds = 20
  logging_enabled      = true
}

resource "alicloud_message_service_queue" "dead_letters" {
  queue_name               = "${var.name}-ingest-dead-letters"
  message_retention_period = 604800
  logging_enabled          = true
}

resource "alicloud_event_bridge_connection" "ingest" {
  count           = var.intake == "http" ? 1 : 0
  connection_name = "${var.name}-ingest"
  description     = "Private-network connection to onramp ingest with its bearer token."

  network_parameters {
    network_type      = "PrivateNetwork"
    vpc_id            = var.vpc_id
    vswitche_id       = var.vswitch_id
    security_group_id = var.security_group_id
  }

  auth_parameters {
    authorization_type = "API_KEY_AUTH"
    api_key_auth_parameters {
      api_key_name  = "Authorization"
      api_key_value = "Bearer ${data.alicloud_kms_plaintext.ingest_token[0].plaintext}"
    }
  }
}

resource "alicloud_event_bridge_api_destination" "ingest" {
  count                = var.intake == "http" ? 1 : 0
  api_destination_name = "${var.name}-ingest-events"
  connection_name      = alicloud_event_bridge_connection.ingest[0].connection_name
  description          = "onramp ingest POST /events"

  http_api_parameters {
    endpoint = "https://${var.ingest_domain}/events"
    method   = "POST"
  }
}

resource "alicloud_event_bridge_rule" "idaas_lifecycle" {
  event_bus_name = "default"
  rule_name      = "${var.name}-idaas-lifecycle"
  description    = "IDaaS joiner, mover and leaver events to onramp ingest."
  filter_pattern = jsonencode({
    source = ["com.aliyun.idaas"]
    type   = var.event_types
  })

  # One target, as var.intake chooses (targets, below).
  dynamic "targets" {
    for_each = { (var.intake) = local.targets[var.intake] }
    content {
      target_id           = targets.value.id
      type                = targets.value.type
      endpoint            = targets.value.endpoint
      push_retry_strategy = "BACKOFF_RETRY"

      dead_letter_queue {
        arn = local.dead_letter_queue_arn
      }

      dynamic "param_list" {
        for_each = targets.value.params
        content {
          resource_key = param_list.value.key
          form         = param_list.value.form
          value        = param_list.value.value
        }
      }
    }
  }
}

locals {
  api_destination = one(alicloud_event_bridge_api_destination.ingest[*].api_destination_name)
  intake_queue    = one(alicloud_message_service_queue.intake[*].queue_name)
  targets = {
    http = {
      id       = "onramp-ingest"
      type     = "acs.api.destination"
      endpoint = "acs:eventbridge:${var.region}:${local.account_id}:api-destination/${local.api_destination}"
      params = [
        { key = "Name", form = "CONSTANT", value = local.api_destination },
        { key = "Body", form = "ORIGINAL", value = null },
      ]
    }
    # The whole CloudEvent as the message body, base64-encoded (ali-mns decodes every body it receives).
    mns = {
      id       = "onramp-intake-queue"
      type     = "acs.mns.queue"
      endpoint = "acs:mns:${var.region}:${local.account_id}:queues/${local.intake_queue}"
      params = [
        { key = "queue", form = "CONSTANT", value = local.intake_queue },
        { key = "Body", form = "ORIGINAL", value = null },
        { key = "IsBase64Encode", form = "CONSTANT", value = "true" },
      ]
    }
  }
}
