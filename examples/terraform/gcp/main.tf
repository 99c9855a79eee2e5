resource "google_container_cluster" "gke" {
  name               = "shop"
  location           = "europe-west1"
  initial_node_count = 3
  enable_legacy_abac = true

  master_auth {
    client_certificate_config {
      issue_client_certificate = true
    }
  }
}

resource "google_compute_firewall" "ssh" {
  name    = "allow-ssh"
  network = "default"

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["0.0.0.0/0"]
}

resource "google_storage_bucket_iam_member" "public" {
  bucket = "shop-assets"
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_project_iam_member" "ci" {
  project = "shop-prod"
  role    = "roles/owner"
  member  = "serviceAccount:ci@shop-prod.iam.gserviceaccount.com"
}
