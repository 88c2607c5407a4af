variable "name" {
  description = "Prefix for every resource name."
  type        = string
}

variable "region" {
  description = "Region, for the hosts' CLI profile and the OSS internal endpoint."
  type        = string
}

variable "mlps_compliance" {
  description = "The MLPS 2.0 level-3 hardening switch (encrypted disks, Security Center agent, metadata tokens)."
  type        = bool
  default     = true
}

variable "zone_ids" {
  description = "Two zones; node-1 and node-3 go to the first, node-2 to the second."
  type        = list(string)
}

variable "vpc_id" {
  description = "The onramp VPC."
  type        = string
}

variable "data_vswitch_ids" {
  description = "Data-tier vSwitch per zone."
  type        = map(string)
}

variable "data_subnets" {
  description = "Data-tier CIDR per zone; each node takes a fixed address (.200-.202) in its zone's."
  type        = map(string)
}

variable "app_cidr" {
  description = "The application tier, the only network that may reach port 9200."
  type        = string
}

variable "cloud_services_cidr" {
  description = "Alibaba Cloud service endpoints inside the VPC (KMS, OSS, DNS, NTP, mirrors)."
  type        = string
  default     = "100.64.0.0/10"
}

variable "image_id" {
  description = "Alibaba Cloud Linux 3 image (compliant_infra's alicloud_images data source)."
  type        = string
}

variable "instance_type" {
  description = "ECS type per node; memory-optimized, since HNSW graphs live off-heap."
  type        = string
  default     = "ecs.r7.xlarge"
}

variable "heap_mb" {
  description = "JVM heap per node in MiB; about half the node's memory at most, leaving the rest to k-NN graphs and the page cache."
  type        = number
  default     = 8192
}

variable "data_disk_size" {
  description = "Data disk per node, in GiB."
  type        = number
  default     = 200
}

variable "kms_key_id" {
  description = "Customer-managed key for the system and data disks."
  type        = string
}

variable "snapshot_policy_id" {
  description = "Automatic snapshot policy for the disks."
  type        = string
}

variable "host_ram_role_name" {
  description = "RAM role of onramp hosts (kms:Decrypt, reading the training bucket)."
  type        = string
}

variable "artifact" {
  description = "OSS location of the OpenSearch 2.19+ Linux x64 distribution (oss://bucket/key), which bundles the k-NN, ML Commons, neural-search and security plugins; the nodes have no internet access."
  type        = string

  validation {
    condition     = can(regex("^oss://[^/]+/.*opensearch-2\\.(19|[2-9][0-9])\\.[0-9]+-linux-x64\\.tar\\.gz$", var.artifact))
    error_message = "artifact must be an oss:// location of opensearch-2.19.x (or later 2.x)-linux-x64.tar.gz."
  }
}

variable "artifact_sha512" {
  description = "SHA-512 of the distribution, as published beside it; a node refuses anything else."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{128}$", var.artifact_sha512))
    error_message = "artifact_sha512 must be 128 hexadecimal characters."
  }
}

variable "tls_ca_cert" {
  description = "PEM certificate of the CA that signs the node certificates; clients trust it."
  type        = string
}

variable "tls_ca_key_ciphertext" {
  description = "KMS ciphertext of the CA's private key (PEM, EC P-256 fits KMS's 6 KB limit); each node decrypts it once at boot to sign its own certificate, then deletes it."
  type        = string
  sensitive   = true
}

variable "password_ciphertext" {
  description = "KMS ciphertext of the password of the `onramp` user the services log in as."
  type        = string
  sensitive   = true
}

variable "private_zone" {
  description = "Private DNS zone for the cluster's name (search.<zone>)."
  type        = string
  default     = "onramp.internal"
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}
