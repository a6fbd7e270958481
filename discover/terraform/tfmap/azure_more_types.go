package tfmap

import (
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// More Azure rows (issue 15, second pass): virtual machines and their OS disks.
func init() {
	register(map[string]*TypeInfo{
		"azurerm_linux_virtual_machine":   azureVM("linux_virtual_machine"),
		"azurerm_windows_virtual_machine": azureVM("windows_virtual_machine"),
		"azurerm_storage_share":           storageShare,
		// The deprecated predecessors of azurerm_mssql_server and azurerm_mssql_database
		// (removed in azurerm 4.0) manage the same Azure SQL logical servers and databases,
		// with the same semantics (sqlServer, sqlDatabase); the database names its server by
		// server_name and resource_group_name.
		// https://registry.terraform.io/providers/hashicorp/azurerm/3.117.1/docs/resources/sql_server
		"azurerm_sql_server":   sqlServer("sql_server"),
		"azurerm_sql_database": sqlDatabase("sql_database", legacySQLDatabaseServer, "server_name", "resource_group_name", "location"),
	})
}

// legacySQLDatabaseServer finds an azurerm_sql_database's server: a reference in
// server_name, else the server of that name, in the database's resource group when several
// have it.
func legacySQLDatabaseServer(b *Builder, n *Node) *Node {
	cands := b.FindAttr(n, "server_name", sqlServerTypes...)
	if _, ref := n.In.RefOf("server_name"); !ref && len(cands) > 1 {
		rg := b.azurePlace(n, nil).rg
		for _, c := range cands {
			if rg != "" && b.azurePlace(c, nil).rg == rg {
				return c
			}
		}
	}
	return firstNode(cands)
}

// azureVM maps a virtual machine: compute, whose os_disk block is a managed disk created
// with it and deleted with it. The provider deletes the OS disk when the VM is deleted
// (features block virtual_machine.delete_os_disk_on_deletion, true by default), and a VM
// created with osDisk.deleteOption = Delete loses it to any delete call.
// https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/features-block
// https://learn.microsoft.com/azure/virtual-machines/delete
// Data disks are azurerm_managed_disk resources of their own (attached by
// azurerm_virtual_machine_data_disk_attachment): they outlive the VM.
func azureVM(doc string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Service, Doc: azureDocs + doc, Read: true,
		Attrs: []string{"resource_group_name", "location", "os_disk"},
		Link: func(b *Builder, n *Node) {
			b.azureData(n, nil, "Microsoft.Compute/virtualMachines/delete", "virtual machine contributor")
			name := n.In.Str("os_disk.0.name")
			if name == "" {
				name = n.Res.Name + " OS disk"
			}
			disk := b.Synth(&graph.Resource{ID: "azurerm:azurerm_os_disk:" + idTail(n.Res.ID), Kind: graph.Volume, Type: "azurerm_os_disk",
				Name: name, Tier: n.Res.Tier, TierWhy: n.Res.TierWhy, Origin: graph.Origin{Ref: n.In.Address + " (os_disk)"}})
			samePlace(disk, n.Res)
			if s := n.In.Str("os_disk.0.disk_size_gb"); s != "" {
				disk.SetAttr("size_gb", s)
			}
			if v, ok := n.Res.Attr(graph.AttrDeletionProtection); ok {
				disk.SetAttr(graph.AttrDeletionProtection, v)
			}
			if b.azure.osDisks == nil {
				b.azure.osDisks = map[string]*Node{}
			}
			os := &Node{Res: disk}
			b.azure.osDisks["address:"+n.In.Address] = os
			if id := n.In.Str("id"); id != "" {
				b.azure.osDisks[strings.ToLower(id)] = os
			}
			b.Edge(n.Res, graph.DeletesWith, disk, "the OS disk is deleted with the virtual machine (delete_os_disk_on_deletion)")
		},
	}
}

// storageShare maps an Azure Files share: data of its own, in its storage account, which
// contains it (deleting the account deletes its shares). Its tier is its account's when
// nothing else gives one (a share has metadata, not tags). The provider names the account
// by storage_account_id (4.x) or storage_account_name (earlier, deprecated).
// https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_share
// Share soft delete (the account's share_properties.retention_policy) keeps a deleted share
// restorable for its days, but "soft delete only works on a file share level", and "to
// permanently delete a file share in a soft delete state before its expiry time, you must
// undelete the share, disable soft delete, and then delete the share again": whoever may
// delete the share may change the account's file service first. So it is kept as
// soft_delete_days, not as a restore_window (as Key Vault soft delete without purge
// protection), and it is no undo for deleting the account, which deletes the shares,
// soft-deleted ones included (Microsoft points to a lock on the account for that).
// https://learn.microsoft.com/azure/storage/files/storage-files-prevent-file-share-deletion
// A management lock stops the control plane's delete (File Shares - Delete), not the data
// plane's Delete Share with an account key; account keys are not modelled as credentials.
// https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources
var storageShare = &TypeInfo{
	Kind: graph.Volume, Doc: azureDocs + "storage_share",
	Attrs: []string{"storage_account_id", "storage_account_name", "quota", "resource_manager_id"},
	Keys:  []string{"resource_manager_id"},
	Setup: func(b *Builder, n *Node) {
		if q := n.In.Str("quota"); q != "" {
			n.Res.SetAttr("size_gb", q)
		}
	},
	Link: func(b *Builder, n *Node) {
		sa := linkFirst(b, n, "storage_account_id", "azurerm_storage_account")
		if sa == nil {
			sa = linkFirst(b, n, "storage_account_name", "azurerm_storage_account")
		}
		if sa != nil && sa.Res != nil && n.env == "" && (n.Res.Tier == "" || n.Res.Tier == graph.Unknown) && sa.Res.Tier != "" && sa.Res.Tier != graph.Unknown {
			n.Res.Tier, n.Res.TierWhy, n.env = sa.Res.Tier, b.intern("storage account "+strconv.Quote(sa.Res.Name)), sa.env
		}
		b.azureData(n, sa, "Microsoft.Storage/storageAccounts/fileServices/shares/delete", "storage account contributor")
		if sa == nil || sa.Res == nil {
			return
		}
		if d, ok := shareSoftDelete(sa.In); ok {
			n.Res.SetAttr("soft_delete_days", days(d))
		}
		if b.azure.shares == nil {
			b.azure.shares = map[string]*graph.Resource{}
		}
		b.azure.shares[shareKey(sa.Res, n.In.Str("name"))] = n.Res
		if b.azure.shareAccount == nil {
			b.azure.shareAccount = map[*graph.Resource]*Node{}
		}
		b.azure.shareAccount[n.Res] = sa
	},
}

// shareKey names a share by its account and its name, for azurerm_backup_protected_file_share.
func shareKey(account *graph.Resource, name string) string {
	return account.ID + "\x00" + strings.ToLower(name)
}

// shareSoftDelete reads a storage account's file share soft delete: the days of
// share_properties.retention_policy (7 when the block sets none). ok is false when the
// account states no policy, or one bulkhead cannot resolve (no window is assumed).
func shareSoftDelete(in *Held) (float64, bool) {
	const p = "share_properties.0.retention_policy"
	if len(in.List(p)) == 0 || in.unknownAt(p+".0.days") {
		return 0, false
	}
	d, _ := in.Num(p+".0.days", 7)
	return d, d > 0
}
