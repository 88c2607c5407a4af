# IDaaS lifecycle events → EventBridge default bus → rule → API destination (ingest POST /events)
# over the VPC, with the ingest bearer token, backoff retries and an MNS dead-letter queue.

data "alicloud_caller_identity" "current" {}

data "alicloud_kms_plaintext" "ingest_token" {
  ciphertext_blob = var.ingest_token_ciphertext
}

locals {
  account_id = data.alicloud_caller_identity.current.account_id
}

resource "alicloud_message_service_queue" "dead_letters" {
  queue_name               = "${var.name}-ingest-dead-letters"
  message_retention_period = 604800
  logging_enabled          = true
}

resource "alicloud_event_bridge_connection" "ingest" {
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
      api_key_value = "Bearer ${data.alicloud_kms_plaintext.ingest_token.plaintext}"
    }
  }
}

resource "alicloud_event_bridge_api_destination" "ingest" {
  api_destination_name = "${var.name}-ingest-events"
  connection_name      = alicloud_event_bridge_connection.ingest.connection_name
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

  targets {
    target_id           = "onramp-ingest"
    type                = "acs.api.destination"
    endpoint            = "acs:eventbridge:${var.region}:${local.account_id}:api-destination/${alicloud_event_bridge_api_destination.ingest.api_destination_name}"
    push_retry_strategy = "BACKOFF_RETRY"

    dead_letter_queue {
      arn = "acs:mns:${var.region}:${local.account_id}:/queues/${alicloud_message_service_queue.dead_letters.queue_name}"
    }

    param_list {
      resource_key = "Name"
      form         = "CONSTANT"
      value        = alicloud_event_bridge_api_destination.ingest.api_destination_name
    }

    param_list {
      resource_key = "Body"
      form         = "ORIGINAL"
    }
  }
}
