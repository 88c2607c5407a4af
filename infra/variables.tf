variable "name" {
  description = "Prefix for every resource name."
  type        = string
  default     = "onramp"
}

variable "region" {
  description = "Alibaba Cloud region."
  type        = string
  default     = "cn-hangzhou"
}

variable "zone_ids" {
  description = "Two zones of the region."
  type        = list(string)
  default     = ["cn-hangzhou-i", "cn-hangzhou-j"]
}

variable "mlps_compliance" {
  description = "MLPS 2.0 level-3 hardening; keep true for anything that holds real data."
  type        = bool
  default     = true
}

variable "container_image" {
  description = "The onramp image in Container Registry (VPC endpoint)."
  type        = string
}

variable "tls_certificate_id" {
  description = "Certificate Management Service certificate for the internal ALB (covers ingest_domain and search_domain)."
  type        = string
}

variable "ingest_domain" {
  description = "Host name of ingest behind the internal ALB, e.g. ingest.onramp.example.com."
  type        = string
}

variable "search_jwks_url" {
  description = "JWKS URL of the identity provider whose JWTs search-api accepts."
  type        = string
}

variable "search_jwt_audience" {
  description = "The aud claim search-api requires in callers' JWTs (SEARCH_JWT_AUDIENCE)."
  type        = string
}

variable "search_jwt_issuer" {
  description = "The iss claim search-api requires in callers' JWTs (SEARCH_JWT_ISSUER)."
  type        = string
}

variable "services" {
  description = "Hosts per service (replicas, instance_type); null keeps the defaults of modules/workers."
  type = map(object({
    replicas      = number
    instance_type = string
  }))
  default = null
}

variable "gitbook_scim_url" {
  description = "GitBook SCIM base URL; empty sets GITBOOK_MODE=dry-run (warned at every start)."
  type        = string
  default     = ""
}

# Secrets: KMS ciphertext only (aliyun kms Encrypt --KeyId <key> --Plaintext …). Terraform never
# sees a plaintext password; the hosts decrypt with their RAM role at boot.

variable "db_password_ciphertext" {
  description = "KMS ciphertext of the RDS account password."
  type        = string
  sensitive   = true
}

variable "db_migrate_password_ciphertext" {
  description = "KMS ciphertext of the password of onramp_migrate, the database account `onramp migrate` uses (the services' account has DML rights only)."
  type        = string
  sensitive   = true
}

variable "redis_password_ciphertext" {
  description = "KMS ciphertext of the Redis password."
  type        = string
  sensitive   = true
}

variable "search_password_ciphertext" {
  description = "KMS ciphertext of the search engine password the services log in with: the elastic user's (search_engine = elasticsearch) or the onramp user's (opensearch)."
  type        = string
  sensitive   = true
}

variable "ingest_token_ciphertext" {
  description = "KMS ciphertext of INGEST_TOKEN."
  type        = string
  sensitive   = true
}

variable "admin_token_ciphertext" {
  description = "KMS ciphertext of ADMIN_TOKEN."
  type        = string
  sensitive   = true
}

variable "resend_api_key_ciphertext" {
  description = "KMS ciphertext of RESEND_API_KEY; null sets MAIL_MODE=capture (warned at every start)."
  type        = string
  sensitive   = true
  default     = null
}

variable "gitbook_scim_token_ciphertext" {
  description = "KMS ciphertext of GITBOOK_SCIM_TOKEN."
  type        = string
  sensitive   = true
  default     = null
}

variable "privatelink_service_names" {
  description = "PrivateLink endpoint service name per cloud service the hosts call (keys oss, kms, sls, mns, eventbridge), as listed for the region in the PrivateLink console (Alibaba Cloud services that support interface endpoints)."
  type        = map(string)
}

variable "intake" {
  description = "How EventBridge delivers IDaaS events to ingest: http (API destination) or mns (a queue ingest polls with ali-mns)."
  type        = string
  default     = "http"

  validation {
    condition     = contains(["http", "mns"], var.intake)
    error_message = "intake must be \"http\" or \"mns\"."
  }
}

variable "mns_access_key_id_ciphertext" {
  description = "KMS ciphertext of the AccessKey id of a RAM user allowed mns:ReceiveMessage, DeleteMessage and ChangeMessageVisibility on the intake and dead-letter queues. ali-mns signs with an AccessKey only, not with the hosts' STS credentials. null: no MNS on the hosts."
  type        = string
  default     = null
  sensitive   = true
}

variable "mns_access_key_secret_ciphertext" {
  description = "KMS ciphertext of that AccessKey's secret."
  type        = string
  default     = null
  sensitive   = true
}

variable "idaas_application_id" {
  description = "IDaaS (EIAM) application id whose event callbacks ingest accepts at /idaas/events; empty: the callback door is off."
  type        = string
  default     = ""
}

variable "idaas_jwks_url" {
  description = "The application's Public Key Endpoint, as the IDaaS console shows it (Provisioning → Synchronize IDaaS Users on Application)."
  type        = string
  default     = ""
}

variable "scim_server_token_ciphertext" {
  description = "KMS ciphertext of SCIM_SERVER_TOKEN, the bearer token IDaaS sends to ingest's SCIM 2.0 endpoint (/scim/v2) in SCIM mode: at least 32 random characters. null: the SCIM endpoint is off."
  type        = string
  default     = null
  sensitive   = true
}

variable "idaas_encryption_key_ciphertext" {
  description = "KMS ciphertext of the callback encryption key (64 hex characters, the IDaaS console's Encryption Key); null: encryption off."
  type        = string
  default     = null
  sensitive   = true
}

variable "hr_webhook_secret_ciphertext" {
  description = "KMS ciphertext of HR_WEBHOOK_SECRET (whsec_ followed by the base64 key the HR system signs with; several separated by spaces while rotating); null: the HR webhook door is off."
  type        = string
  default     = null
  sensitive   = true
}

# Search engine and embeddings.

variable "search_engine" {
  description = "elasticsearch: the managed Alibaba Cloud Elasticsearch 8.x instance (SEARCH_BACKEND=elasticsearch); opensearch: a self-managed OpenSearch 2.19+ cluster on ECS (SEARCH_BACKEND=opensearch)."
  type        = string
  default     = "elasticsearch"

  validation {
    condition     = contains(["elasticsearch", "opensearch"], var.search_engine)
    error_message = "search_engine must be \"elasticsearch\" or \"opensearch\"."
  }
}

variable "opensearch_artifact" {
  description = "search_engine = opensearch: oss:// location of opensearch-2.19.x-linux-x64.tar.gz (the nodes have no internet access)."
  type        = string
  default     = null
}

variable "opensearch_artifact_sha512" {
  description = "search_engine = opensearch: SHA-512 of that distribution."
  type        = string
  default     = null
}

variable "search_tls_ca_cert" {
  description = "search_engine = opensearch: PEM certificate of the CA that signs the nodes' certificates; the services trust it."
  type        = string
  default     = null
}

variable "search_tls_ca_key_ciphertext" {
  description = "search_engine = opensearch: KMS ciphertext of the CA's private key (PEM)."
  type        = string
  default     = null
  sensitive   = true
}

variable "hr_mapping_file" {
  description = "The HR mapping file (docs/identity.md) the ingest hosts get as HR_MAPPING_FILE; null: deploy/hr-mapping.json of this repository."
  type        = string
  default     = null
}

variable "embedding_model_path" {
  description = "Folder of the embedding model in the training bucket (e.g. models/bge-m3/2026-11-30): deploys it on PAI-EAS and sets EMBEDDING_PROVIDER=pai-eas on every host. null: the hosts use the local model."
  type        = string
  default     = null
}

variable "idaas_scim_url" {
  description = "IDAAS_SCIM_URL: the SCIM base URL IDaaS shows for the application under Synchronize Application to IDaaS; empty: the idaas-provisioner is off (its host idles; services can give it 0 replicas)."
  type        = string
  default     = ""
}

variable "idaas_scim_token_ciphertext" {
  description = "KMS ciphertext of IDAAS_SCIM_TOKEN, the bearer token IDaaS generated for that application."
  type        = string
  default     = null
  sensitive   = true
}


variable "embedding_model_name" {
  description = "PAI_EAS_MODEL: the model's name, recorded in the index metadata."
  type        = string
  default     = "bge-m3"
}

variable "embedding_dimension" {
  description = "EMBEDDING_DIMENSION: the model's vector length."
  type        = number
  default     = 1024
}

variable "embedding_image" {
  description = "Container image serving an OpenAI-compatible /v1/embeddings for the model mounted at /models."
  type        = string
  default     = null
}

variable "pai_eas_token_ciphertext" {
  description = "KMS ciphertext of the EAS service's token (PAI_EAS_TOKEN); the provider does not export it, so it is copied from the console after the service exists."
  type        = string
  default     = null
  sensitive   = true
}
