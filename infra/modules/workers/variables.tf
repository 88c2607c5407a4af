variable "name" {
  description = "Prefix for every resource name."
  type        = string
  default     = "onramp"
}

variable "region" {
  description = "Region, for the hosts' CLI and registry endpoints."
  type        = string
}

variable "mlps_compliance" {
  description = "Turns on the host hardening (encrypted disks, security agent, metadata tokens)."
  type        = bool
  default     = true
}

variable "services" {
  description = "Hosts per service where they differ from one ecs.g7.large: ingest, search-api, or a consumer of deploy/consumers.json. Each scales on its own."
  type = map(object({
    replicas      = number
    instance_type = string
  }))
  default = {
    ingest     = { replicas = 2, instance_type = "ecs.g7.large" }
    indexer    = { replicas = 2, instance_type = "ecs.g7.xlarge" }
    search-api = { replicas = 2, instance_type = "ecs.g7.large" }
  }
  nullable = false
}

variable "container_image" {
  description = "The onramp image (built from the repository Dockerfile) in Container Registry, e.g. registry-vpc.cn-hangzhou.aliyuncs.com/onramp/onramp:0.1.0."
  type        = string
}

variable "vpc_id" {
  description = "VPC from compliant_infra."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; the ALB accepts callers from it."
  type        = string
}

variable "zone_ids" {
  description = "The two zones, primary first."
  type        = list(string)
}

variable "app_vswitch_ids" {
  description = "Application vSwitch per zone."
  type        = map(string)
}

variable "security_group_ids" {
  description = "Security group per role from compliant_infra."
  type        = map(string)
}

variable "image_id" {
  description = "Alibaba Cloud Linux image from compliant_infra."
  type        = string
}

variable "kms_key_id" {
  description = "KMS key for disk encryption."
  type        = string
}

variable "snapshot_policy_id" {
  description = "Automatic snapshot policy for the system disks."
  type        = string
}

variable "host_ram_role_name" {
  description = "RAM role attached to every host."
  type        = string
}

variable "database_host" {
  description = "RDS private endpoint."
  type        = string
}

variable "redis_host" {
  description = "Redis private endpoint."
  type        = string
}

variable "search_engine" {
  description = "elasticsearch or opensearch: which SEARCH_BACKEND (and which variables) the hosts get."
  type        = string
  default     = "elasticsearch"

  validation {
    condition     = contains(["elasticsearch", "opensearch"], var.search_engine)
    error_message = "search_engine must be \"elasticsearch\" or \"opensearch\"."
  }
}

variable "search_host" {
  description = "Private endpoint of the search engine (the Elasticsearch instance's domain, or the OpenSearch cluster's private name); HTTPS on 9200."
  type        = string
}

variable "search_ca_cert" {
  description = "PEM of the CA the self-managed search cluster's certificates chain to; empty for the managed Elasticsearch (publicly trusted)."
  type        = string
  default     = ""
}

variable "pai_eas_url" {
  description = "PAI_EAS_URL of the embedding service; empty keeps the local embedding model."
  type        = string
  default     = ""
}

variable "pai_eas_model" {
  description = "PAI_EAS_MODEL."
  type        = string
  default     = ""
}

variable "embedding_dimension" {
  description = "EMBEDDING_DIMENSION of the PAI-EAS model."
  type        = number
  default     = 768
}

variable "pai_eas_token_ciphertext" {
  description = "KMS ciphertext of PAI_EAS_TOKEN; required when pai_eas_url is set."
  type        = string
  default     = null
  sensitive   = true
}

variable "log_project" {
  description = "Log Service project for ALB access logs."
  type        = string
}

variable "alb_access_logstore" {
  description = "Logstore for ALB access logs."
  type        = string
}

variable "tls_certificate_id" {
  description = "Certificate (Certificate Management Service) for the ALB listeners; it must cover ingest_domain and search_domain."
  type        = string
}

variable "db_password_ciphertext" {
  description = "KMS ciphertext of the database password; hosts decrypt it at boot with their RAM role."
  type        = string
  sensitive   = true
}

variable "db_migrate_password_ciphertext" {
  description = "KMS ciphertext of the password of onramp_migrate; only the one-shot migrate command decrypts it."
  type        = string
  sensitive   = true
}

variable "redis_password_ciphertext" {
  description = "KMS ciphertext of the Redis password."
  type        = string
  sensitive   = true
}

variable "search_password_ciphertext" {
  description = "KMS ciphertext of the search engine password (the elastic user, or OpenSearch's onramp user)."
  type        = string
  sensitive   = true
}

variable "ingest_token_ciphertext" {
  description = "KMS ciphertext of INGEST_TOKEN (the bearer token EventBridge sends)."
  type        = string
  sensitive   = true
}

variable "admin_token_ciphertext" {
  description = "KMS ciphertext of ADMIN_TOKEN."
  type        = string
  sensitive   = true
}

variable "resend_api_key_ciphertext" {
  description = "KMS ciphertext of RESEND_API_KEY; empty sets MAIL_MODE=capture (warned at every start)."
  type        = string
  sensitive   = true
  default     = null
}

variable "gitbook_scim_token_ciphertext" {
  description = "KMS ciphertext of GITBOOK_SCIM_TOKEN; empty keeps GitBook in dry run."
  type        = string
  sensitive   = true
  default     = null
}

variable "gitbook_scim_url" {
  description = "GITBOOK_SCIM_URL; empty sets GITBOOK_MODE=dry-run (warned at every start)."
  type        = string
  default     = ""
}

variable "search_jwks_url" {
  description = "SEARCH_JWKS_URL: where search-api fetches the IdP's signing keys."
  type        = string
}

variable "search_jwt_audience" {
  description = "SEARCH_JWT_AUDIENCE: the aud claim callers' JWTs must carry."
  type        = string
}

variable "search_jwt_issuer" {
  description = "SEARCH_JWT_ISSUER: the iss claim callers' JWTs must carry."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "idaas_application_id" {
  description = "IDaaS application whose event callbacks ingest accepts; empty: the callback door is off."
  type        = string
  default     = ""
}

variable "idaas_jwks_url" {
  description = "The IDaaS application's Public Key Endpoint."
  type        = string
  default     = ""
}

variable "scim_server_token_ciphertext" {
  description = "KMS ciphertext of SCIM_SERVER_TOKEN (ingest's SCIM endpoint); null: the endpoint is off."
  type        = string
  default     = null
  sensitive   = true
}

variable "idaas_encryption_key_ciphertext" {
  description = "KMS ciphertext of the IDaaS callback encryption key; null: encryption off."
  type        = string
  default     = null
  sensitive   = true
}

variable "mns_endpoint" {
  description = "MNS endpoint (https) for the intake."
  type        = string
  default     = ""
}

variable "mns_intake_queue" {
  description = "MNS queue ingest polls (intake = mns); null: no MNS intake."
  type        = string
  default     = null
}

variable "mns_access_key_id_ciphertext" {
  description = "KMS ciphertext of the AccessKey id of a RAM user allowed mns:ReceiveMessage, DeleteMessage and ChangeMessageVisibility on the intake and dead-letter queues. ali-mns signs with an AccessKey only, not with the hosts' STS credentials. null: no MNS on the hosts."
  type        = string
  default     = null
  sensitive   = true
}

variable "mns_access_key_secret_ciphertext" {
  description = "KMS ciphertext of the MNS AccessKey secret."
  type        = string
  default     = null
  sensitive   = true
}

variable "hr_webhook_secret_ciphertext" {
  description = "KMS ciphertext of HR_WEBHOOK_SECRET; null: the HR webhook door is off."
  type        = string
  default     = null
  sensitive   = true
}

variable "hr_mapping_json" {
  description = "The HR mapping file's content, written on the ingest hosts as HR_MAPPING_FILE; empty with the door off."
  type        = string
  default     = ""
}

variable "idaas_scim_url" {
  description = "IDAAS_SCIM_URL for the idaas-provisioner; empty: it is off (its host idles; var.services can give it 0 replicas)."
  type        = string
  default     = ""
}

variable "idaas_scim_token_ciphertext" {
  description = "KMS ciphertext of IDAAS_SCIM_TOKEN."
  type        = string
  default     = null
  sensitive   = true
}
