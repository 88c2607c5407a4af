# `onramp migrate`, once per release, before the services can run. The services' database account has
# DML rights only (compliant_infra), so this step, with the onramp_migrate account, is the one that
# creates and changes the schema and registers the consumers' subscriptions. It runs through Cloud
# Assistant on the first ingest host with the image the services run; until it has, the services refuse
# the log (exit 75) and Docker starts them again.

resource "alicloud_ecs_command" "migrate" {
  name        = "${var.name}-migrate"
  description = "onramp migrate for ${var.container_image}"
  type        = "RunShellScript"
  timeout     = 900
  working_dir = "/root"
  command_content = base64encode(templatefile("${path.module}/templates/migrate.sh.tftpl", {
    image            = var.container_image
    database_host    = var.database_host
    migrate_password = var.db_migrate_password_ciphertext
  }))
}

resource "alicloud_ecs_invocation" "migrate" {
  command_id  = alicloud_ecs_command.migrate.id
  instance_id = [alicloud_instance.host["ingest-1"].id]
  timed       = false

  depends_on = [alicloud_ecs_ram_role_attachment.host]

  lifecycle {
    # A new image is a new command: run it again.
    replace_triggered_by = [alicloud_ecs_command.migrate]
  }
}
