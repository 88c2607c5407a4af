variable "name" {
  description = "Prefix for every resource name."
  type        = string
  default     = "onramp"
}

variable "mlps_compliance" {
  description = "Turns on the MLPS 2.0 level-3 hardening (encryption, TLS, audit, private access). Only ever false for a throw-away sandbox."
  type        = bool
  default     = true
}

variable "region" {
  description = "Region the resources live in; used to build ARNs."
  type        = string
  default     = "cn-hangzhou"
}

variable "zone_ids" {
  description = "Two (or more) zones in the region; the first is primary for RDS, Redis and Elasticsearch."
  type        = list(string)
  default     = ["cn-hangzhou-i", "cn-hangzhou-j"]

  validation {
    condition     = length(var.zone_ids) >= 2
    error_message = "MLPS level 3 needs redundancy across zones: give at least two zone_ids."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; the application tier takes its first /20, the data tier its second."
  type        = string
  default     = "10.20.0.0/16"
}

variable "backup_region" {
  description = "Region RDS backups are copied to for disaster recovery."
  type        = string
  default     = "cn-shanghai"
}

variable "log_retention_days" {
  description = "Days audit, flow and access logs are kept (the Cybersecurity Law asks for at least 180)."
  type        = number
  default     = 180

  validation {
    condition     = var.log_retention_days >= 180
    error_message = "Logs must be kept for at least 180 days."
  }
}

variable "backup_retention_days" {
  description = "Days RDS data and log backups and ECS snapshots are kept."
  type        = number
  default     = 30
}

variable "db_instance_type" {
  description = "RDS MySQL instance type (high-availability edition)."
  type        = string
  default     = "mysql.n2.medium.2c"
}

variable "db_storage_gb" {
  description = "RDS storage in GB."
  type        = number
  default     = 100
}

variable "db_password_ciphertext" {
  description = "KMS ciphertext (aliyun kms Encrypt) of the RDS account password."
  type        = string
  sensitive   = true
}

variable "db_migrate_password_ciphertext" {
  description = "KMS ciphertext (aliyun kms Encrypt) of the password of onramp_migrate, the RDS account that may change the schema."
  type        = string
  sensitive   = true
}

variable "redis_instance_class" {
  description = "Tair / Redis 7 instance class."
  type        = string
  default     = "redis.shard.small.2.ce"
}

variable "redis_password_ciphertext" {
  description = "KMS ciphertext of the Redis password."
  type        = string
  sensitive   = true
}

variable "search_engine" {
  description = "elasticsearch: the managed Alibaba Cloud Elasticsearch instance here; opensearch: none here (the opensearch-cluster module builds one on ECS)."
  type        = string
  default     = "elasticsearch"

  validation {
    condition     = contains(["elasticsearch", "opensearch"], var.search_engine)
    error_message = "search_engine must be \"elasticsearch\" or \"opensearch\"."
  }
}

variable "search_version" {
  description = "Alibaba Cloud Elasticsearch version string (esVersion). onramp needs 8.12 or later (dense_vector int8_hnsw); the strings a region offers are listed by GetRegionConfiguration."
  type        = string
  default     = "8.17.0_with_X-Pack"

  validation {
    condition     = can(regex("^8\\.(1[2-9]|[2-9][0-9])(\\.[0-9]+)?_with_X-Pack$", var.search_version))
    error_message = "search_version must be an Elasticsearch 8.12 or later version string, e.g. 8.17.0_with_X-Pack."
  }
}

variable "search_data_node_spec" {
  description = "Elasticsearch data node specification."
  type        = string
  default     = "elasticsearch.sn2ne.large"
}

variable "search_password_ciphertext" {
  description = "KMS ciphertext of the Elasticsearch elastic user password."
  type        = string
  sensitive   = true
}

variable "referer_allow_list" {
  description = "Referers allowed to fetch objects through signed URLs (hotlink protection)."
  type        = list(string)
  default     = ["https://*.onramp.internal"]
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "privatelink_service_names" {
  description = "PrivateLink endpoint service name per cloud service the hosts call (keys oss, kms, sls, mns, eventbridge), from the PrivateLink console's list of Alibaba Cloud services for the region. Used when mlps_compliance is on."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(var.privatelink_service_names) == 0 || length(setsubtract(["oss", "kms", "sls", "mns", "eventbridge"], keys(var.privatelink_service_names))) == 0
    error_message = "Give an endpoint service name for each of oss, kms, sls, mns and eventbridge."
  }
}
