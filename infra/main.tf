# onramp on Alibaba Cloud. Apply the hardened foundation first, then the rest:
#   terraform apply -target=module.compliant_infra
#   terraform apply

module "compliant_infra" {
  source = "./modules/compliant-infra"

  name                           = var.name
  region                         = var.region
  zone_ids                       = var.zone_ids
  mlps_compliance                = var.mlps_compliance
  db_password_ciphertext         = var.db_password_ciphertext
  db_migrate_password_ciphertext = var.db_migrate_password_ciphertext
  redis_password_ciphertext      = var.redis_password_ciphertext
  search_password_ciphertext     = var.search_password_ciphertext
  privatelink_service_names      = var.privatelink_service_names
  search_engine                  = var.search_engine
}

# search_engine = "opensearch": the self-managed cluster (compliant_infra then creates no Elasticsearch).
module "opensearch" {
  source = "./modules/opensearch-cluster"
  count  = var.search_engine == "opensearch" ? 1 : 0

  name                  = var.name
  region                = var.region
  mlps_compliance       = var.mlps_compliance
  zone_ids              = module.compliant_infra.zone_ids
  vpc_id                = module.compliant_infra.vpc_id
  data_vswitch_ids      = module.compliant_infra.data_vswitch_ids
  data_subnets          = module.compliant_infra.data_subnets
  app_cidr              = module.compliant_infra.app_cidr
  image_id              = module.compliant_infra.image_id
  kms_key_id            = module.compliant_infra.kms_key_id
  snapshot_policy_id    = module.compliant_infra.snapshot_policy_id
  host_ram_role_name    = module.compliant_infra.host_ram_role_name
  artifact              = var.opensearch_artifact
  artifact_sha512       = var.opensearch_artifact_sha512
  tls_ca_cert           = var.search_tls_ca_cert
  tls_ca_key_ciphertext = var.search_tls_ca_key_ciphertext
  password_ciphertext   = var.search_password_ciphertext
}

# The embedding model on PAI-EAS, when embedding_model_path names one in the training bucket.
module "embedding" {
  source = "./modules/embedding-service"
  count  = var.embedding_model_path == null ? 0 : 1

  name              = var.name
  region            = var.region
  model_bucket      = module.compliant_infra.training_bucket
  model_path        = var.embedding_model_path
  model_name        = var.embedding_model_name
  dimension         = var.embedding_dimension
  image             = var.embedding_image
  vpc_id            = module.compliant_infra.pai_eas_vpc_direct_connection.vpc_id
  vswitch_id        = module.compliant_infra.pai_eas_vpc_direct_connection.vswitch_id
  security_group_id = module.compliant_infra.pai_eas_vpc_direct_connection.security_group_id
}

module "workers" {
  source = "./modules/workers"

  name                = var.name
  region              = var.region
  mlps_compliance     = var.mlps_compliance
  services            = var.services
  container_image     = var.container_image
  tls_certificate_id  = var.tls_certificate_id
  search_jwks_url     = var.search_jwks_url
  search_jwt_audience = var.search_jwt_audience
  search_jwt_issuer   = var.search_jwt_issuer
  gitbook_scim_url    = var.gitbook_scim_url

  vpc_id              = module.compliant_infra.vpc_id
  vpc_cidr            = module.compliant_infra.vpc_cidr
  zone_ids            = module.compliant_infra.zone_ids
  app_vswitch_ids     = module.compliant_infra.app_vswitch_ids
  security_group_ids  = module.compliant_infra.security_group_ids
  image_id            = module.compliant_infra.image_id
  kms_key_id          = module.compliant_infra.kms_key_id
  snapshot_policy_id  = module.compliant_infra.snapshot_policy_id
  host_ram_role_name  = module.compliant_infra.host_ram_role_name
  database_host       = module.compliant_infra.database_host
  redis_host          = module.compliant_infra.redis_host
  search_engine       = var.search_engine
  search_host         = var.search_engine == "opensearch" ? module.opensearch[0].host : module.compliant_infra.search_host
  search_ca_cert      = var.search_engine == "opensearch" ? var.search_tls_ca_cert : ""
  pai_eas_url         = var.embedding_model_path == null ? "" : module.embedding[0].url
  pai_eas_model       = var.embedding_model_name
  embedding_dimension = var.embedding_dimension
  log_project         = module.compliant_infra.log_project
  alb_access_logstore = module.compliant_infra.alb_access_logstore

  db_password_ciphertext         = var.db_password_ciphertext
  db_migrate_password_ciphertext = var.db_migrate_password_ciphertext
  redis_password_ciphertext      = var.redis_password_ciphertext
  search_password_ciphertext     = var.search_password_ciphertext
  pai_eas_token_ciphertext       = var.pai_eas_token_ciphertext
  ingest_token_ciphertext        = var.ingest_token_ciphertext
  admin_token_ciphertext         = var.admin_token_ciphertext
  resend_api_key_ciphertext      = var.resend_api_key_ciphertext
  gitbook_scim_token_ciphertext  = var.gitbook_scim_token_ciphertext

  idaas_application_id             = var.idaas_application_id
  idaas_jwks_url                   = var.idaas_jwks_url
  idaas_encryption_key_ciphertext  = var.idaas_encryption_key_ciphertext
  scim_server_token_ciphertext     = var.scim_server_token_ciphertext
  mns_endpoint                     = module.eventbridge.mns_endpoint
  mns_intake_queue                 = module.eventbridge.intake_queue
  mns_access_key_id_ciphertext     = var.mns_access_key_id_ciphertext
  mns_access_key_secret_ciphertext = var.mns_access_key_secret_ciphertext

  hr_webhook_secret_ciphertext = var.hr_webhook_secret_ciphertext
  hr_mapping_json              = var.hr_webhook_secret_ciphertext == null ? "" : file(coalesce(var.hr_mapping_file, "${path.module}/../deploy/hr-mapping.json"))
  idaas_scim_url               = var.idaas_scim_url
  idaas_scim_token_ciphertext  = var.idaas_scim_token_ciphertext
}

module "eventbridge" {
  source = "./modules/eventbridge"

  name                    = var.name
  region                  = var.region
  vpc_id                  = module.compliant_infra.vpc_id
  vswitch_id              = module.compliant_infra.app_vswitch_ids[var.zone_ids[0]]
  security_group_id       = module.compliant_infra.security_group_ids["eventbridge"]
  ingest_domain           = var.ingest_domain
  ingest_token_ciphertext = var.ingest_token_ciphertext
  intake                  = var.intake
}
