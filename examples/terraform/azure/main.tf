resource "azurerm_kubernetes_cluster" "aks" {
  name                = "shop-aks"
  location            = "westeurope"
  resource_group_name = "shop"
  dns_prefix          = "shop"

  default_node_pool {
    name       = "system"
    node_count = 3
    vm_size    = "Standard_D4s_v5"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_storage_account" "data" {
  name                            = "shopdata"
  resource_group_name             = "shop"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  https_traffic_only_enabled      = false
  min_tls_version                 = "TLS1_0"
  allow_nested_items_to_be_public = true
}

resource "azurerm_network_security_group" "web" {
  name                = "web"
  location            = "westeurope"
  resource_group_name = "shop"

  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_key_vault" "main" {
  name                = "shop-kv"
  location            = "westeurope"
  resource_group_name = "shop"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"
}
