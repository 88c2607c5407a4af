# Internal ALB in front of the two HTTP services: ingest on 443 (EventBridge's API destination
# and in-VPC producers), search-api on 8443. HTTPS only with TLS 1.2+, whitelisted to the VPC,
# access logs to Log Service.

locals {
  http_services = {
    ingest     = { listener_port = 443, service_port = 8080 }
    search-api = { listener_port = 8443, service_port = 8081 }
  }
}

resource "alicloud_alb_load_balancer" "internal" {
  load_balancer_name     = "${var.name}-internal"
  vpc_id                 = var.vpc_id
  address_type           = "Intranet"
  address_allocated_mode = "Fixed"
  load_balancer_edition  = "Standard"

  load_balancer_billing_config {
    pay_type = "PayAsYouGo"
  }

  dynamic "zone_mappings" {
    for_each = var.app_vswitch_ids
    content {
      zone_id    = zone_mappings.key
      vswitch_id = zone_mappings.value
    }
  }

  deletion_protection_config {
    enabled = true
  }

  tags = local.tags
}

resource "alicloud_alb_load_balancer_security_group_attachment" "internal" {
  load_balancer_id  = alicloud_alb_load_balancer.internal.id
  security_group_id = var.security_group_ids["alb"]
}

resource "alicloud_alb_load_balancer_access_log_config_attachment" "internal" {
  load_balancer_id = alicloud_alb_load_balancer.internal.id
  log_project      = var.log_project
  log_store        = var.alb_access_logstore
}

resource "alicloud_alb_security_policy" "tls12" {
  security_policy_name = "${var.name}-tls12"
  tls_versions         = ["TLSv1.2", "TLSv1.3"]
  ciphers = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
  ]
}

resource "alicloud_alb_acl" "vpc_only" {
  acl_name = "${var.name}-vpc-only"
}

resource "alicloud_alb_acl_entry_attachment" "vpc" {
  acl_id      = alicloud_alb_acl.vpc_only.id
  entry       = var.vpc_cidr
  description = "callers inside the onramp VPC"
}

resource "alicloud_alb_server_group" "service" {
  for_each          = local.http_services
  server_group_name = "${var.name}-${each.key}"
  vpc_id            = var.vpc_id
  protocol          = "HTTP"

  health_check_config {
    health_check_enabled  = true
    health_check_protocol = "HTTP"
    health_check_path     = "/readyz"
    health_check_codes    = ["http_2xx"]
  }

  sticky_session_config {
    sticky_session_enabled = false
  }

  dynamic "servers" {
    for_each = { for key, host in alicloud_instance.host : key => host if local.hosts[key].service == each.key }
    content {
      server_type = "Ecs"
      server_id   = servers.value.id
      port        = each.value.service_port
    }
  }

  tags = local.tags
}

resource "alicloud_alb_listener" "service" {
  for_each           = local.http_services
  load_balancer_id   = alicloud_alb_load_balancer.internal.id
  listener_protocol  = "HTTPS"
  listener_port      = each.value.listener_port
  security_policy_id = alicloud_alb_security_policy.tls12.id

  certificates {
    certificate_id = var.tls_certificate_id
  }

  default_actions {
    type = "ForwardGroup"
    forward_group_config {
      server_group_tuples {
        server_group_id = alicloud_alb_server_group.service[each.key].id
      }
    }
  }
}

resource "alicloud_alb_listener_acl_attachment" "service" {
  for_each    = alicloud_alb_listener.service
  listener_id = each.value.id
  acl_id      = alicloud_alb_acl.vpc_only.id
  acl_type    = "White"
}
