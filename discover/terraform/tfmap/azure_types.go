package tfmap

import (
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Azure provider (hashicorp/azurerm). Each row cites the page that states what deleting the
// resource takes with it. Resource groups are containers: deleting one deletes everything
// in it (https://learn.microsoft.com/azure/azure-resource-manager/management/delete-resource-group).
// Credential reach comes from role assignments (azure_iam.go): every data resource and
// recovery point registers where it lives (subscription, resource group, ARM ID), the
// control-plane action that deletes it and the built-in roles besides Owner and
// Contributor that hold that action. A management lock (CanNotDelete or ReadOnly) is
// deletion protection on its scope: Contributor cannot remove locks, Owner can.

const (
	azureDocs   = "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/"
	azureADDocs = "https://registry.terraform.io/providers/hashicorp/azuread/latest/docs/resources/"
)

// azPlace is where an Azure resource lives, lower-cased as ARM compares them.
type azPlace struct {
	sub, rg, id string
	rgNode      *Node // the resource group in this source, when it is
	parent      *Node // the resource it is a child of (a database's server), when mapped
}

type azTarget struct {
	res    *graph.Resource
	node   *Node
	place  azPlace
	action string   // the ARM action that deletes it
	roles  []string // built-in roles besides Owner and Contributor that hold it, lower case
	locked string   // the management lock that protects it ("" when none)
	note   string
}

type azLock struct {
	scope azScope
	from  string
}

type azureState struct {
	targets []azTarget
	locks   []azLock
	assigns []azAssignment
	places  map[*Node]azPlace
	creds   []*Node
	scopes  map[string]*azGrant
	spByApp map[string]*Node           // service principals by application (client ID or address)
	vmDisks map[string][]*Node         // data disk attachments by VM (ID or address)
	osDisks map[string]*Node           // VMs' OS disks by VM (ID or address), azure_more_types.go
	shares  map[string]*graph.Resource // file shares by account and name (shareKey), azure_more_types.go
	// the storage account of each file share, azure_more_types.go
	shareAccount map[*graph.Resource]*Node
	byRG         map[string][]int32 // targets by resource group ("": not known), for azureGrant
	// locks by resource group, for azureLocked (every lock is recorded before the first
	// target asks: locks are relations, linked first)
	locksByRG map[string][]int32
	all       []int32
}

// armPlace reads the subscription and resource group of an ARM ID.
func armPlace(id string) (sub, rg string) {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(parts); i += 2 {
		switch strings.ToLower(parts[i]) {
		case "subscriptions":
			sub = strings.ToLower(parts[i+1])
		case "resourcegroups":
			rg = strings.ToLower(parts[i+1])
		}
	}
	return sub, rg
}

// rgNameOf is the resource group segment of an ARM ID, as written.
func rgNameOf(id string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(parts); i += 2 {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}

// azurePlace finds where n lives: from its ARM ID, its resource_group_name (a literal or a
// reference to a resource group) or, for a child resource, from its parent.
func (b *Builder) azurePlace(n *Node, parent *Node) azPlace {
	if p, ok := b.azure.places[n]; ok {
		return p
	}
	p := azPlace{id: strings.ToLower(n.In.Str("id")), parent: parent}
	p.sub, p.rg = armPlace(p.id)
	if parent != nil {
		pp := b.azurePlace(parent, nil)
		if p.sub == "" {
			p.sub = pp.sub
		}
		if p.rg == "" {
			p.rg = pp.rg
		}
		p.rgNode = pp.rgNode
	}
	if p.rgNode == nil {
		var rgs []*Node
		if r, ok := n.In.RefOf("resource_group_name"); ok {
			rgs = b.Find(r, "azurerm_resource_group")
		} else if name := n.In.Str("resource_group_name"); name != "" {
			rgs = b.Find(name, "azurerm_resource_group")
			if p.rg == "" {
				p.rg = strings.ToLower(name)
			}
		} else if name := rgNameOf(n.In.Str("id")); name != "" {
			rgs = b.Find(name, "azurerm_resource_group") // a child resource: its ID names the group
		}
		for _, g := range rgs {
			gs, _ := armPlace(g.In.Str("id"))
			if p.sub != "" && gs != "" && gs != p.sub {
				continue
			}
			p.rgNode = g
			if p.rg == "" {
				p.rg = strings.ToLower(g.In.Str("name"))
				if p.rg == "" {
					p.rg = "address:" + g.In.Address
				}
			}
			if p.sub == "" {
				p.sub = gs
			}
			break
		}
	}
	if b.azure.places == nil {
		b.azure.places = map[*Node]azPlace{}
	}
	b.azure.places[n] = p
	return p
}

// azureData registers a data resource: its resource group contains it (and gives it a tier
// when nothing else does), management locks protect it, and credentials with the action
// may delete it.
func (b *Builder) azureData(n *Node, parent *Node, action string, roles ...string) azPlace {
	p := b.azurePlace(n, parent)
	if p.rgNode != nil && p.rgNode.Res != nil {
		b.Edge(p.rgNode.Res, graph.Contains, n.Res, "deleting a resource group deletes every resource in it")
		if n.env == "" && (n.Res.Tier == "" || n.Res.Tier == graph.Unknown) {
			name := p.rgNode.In.Str("name")
			if t, _ := graph.GuessTier(name); t != graph.Unknown && name != "" {
				n.Res.Tier, n.Res.TierWhy, n.env = t, b.intern("resource group "+strconv.Quote(name)), name
			}
		}
	}
	if parent != nil && parent.Res != nil {
		b.Edge(parent.Res, graph.Contains, n.Res, "deleting "+parent.Res.Name+" deletes it")
	}
	if sub := p.sub; sub != "" {
		n.Res.SetAttr(graph.AttrAccount, sub)
	}
	if loc := n.In.Str("location"); loc != "" {
		n.Res.SetAttr(graph.AttrRegion, strings.ToLower(loc))
	}
	t := azTarget{res: n.Res, node: n, place: p, action: action, roles: roles}
	if n.Res.Kind.IsData() || n.Res.Kind == graph.Service || n.Res.Kind == graph.BackupVault {
		lock := b.azureLocked(t)
		n.Res.SetAttr(graph.AttrDeletionProtection, boolStr(lock != ""))
		if lock != "" {
			n.Res.SetAttr("management_lock", lock)
			t.locked = lock
		}
	}
	b.azure.targets = append(b.azure.targets, t)
	return p
}

// azureLocked names the management lock that covers a target, or "".
func (b *Builder) azureLocked(t azTarget) string {
	if len(b.azure.locks) == 0 {
		return ""
	}
	if b.azure.locksByRG == nil {
		// Locks by the resource group they sit in ("": a subscription or wider), indexed
		// once: a lock per group costs each target the locks of its own group.
		b.azure.locksByRG = map[string][]int32{}
		for i, l := range b.azure.locks {
			rg := l.scope.rg
			if rg == "" && l.scope.id != "" {
				_, rg = armPlace(l.scope.id)
			}
			if rg == "" && l.scope.node != nil {
				rg = b.azurePlace(l.scope.node, nil).rg
			}
			b.azure.locksByRG[rg] = append(b.azure.locksByRG[rg], int32(i))
		}
	}
	for _, rg := range []string{"", t.place.rg} {
		for _, i := range b.azure.locksByRG[rg] {
			if l := b.azure.locks[i]; l.scope.covers(t) {
				return l.from
			}
		}
		if t.place.rg == "" {
			break
		}
	}
	if t.place.rg == "" {
		// A target whose group is not known may be under any group's lock.
		for _, l := range b.azure.locks {
			if l.scope.covers(t) {
				return l.from
			}
		}
	}
	return ""
}

// azureRecovery registers a recovery point: where it lives (its source's place unless
// given), the action that deletes it and the roles that hold it. Vault immutability in
// Locked state stops everyone (it cannot be undone): such a point is no target.
func (b *Builder) azureRecovery(rp *graph.Resource, p azPlace, locked bool, note, action string, roles ...string) {
	if locked {
		rp.SetAttr("locked", "immutable vault")
		return
	}
	b.azure.targets = append(b.azure.targets, azTarget{res: rp, place: p, action: action, roles: roles, note: note})
}

func azSynth(b *Builder, id, typ, name, ref string, attrs ...string) *graph.Resource {
	return b.Synth(&graph.Resource{ID: id, Kind: graph.Backup, Type: typ, Name: name, Attrs: graph.MakeAttrs(attrs...), Origin: graph.Origin{Ref: ref}})
}

func days(d float64) string { return strconv.FormatFloat(d, 'f', -1, 64) }

// window is a restore window of d days as a Go duration.
func window(d float64) string { return strconv.FormatFloat(d*24, 'f', -1, 64) + "h" }

// flexibleServer maps an Azure Database flexible server (PostgreSQL, MySQL): automated
// backups (snapshots and logs, backup_retention_days) belong to the server. "If you delete
// a server, all databases that belong to the server are also deleted and can't be
// recovered"; geo-redundant backup copies them to the paired region against a regional
// outage, not against a delete. The backups cannot be deleted on their own: they are no
// target of their own (the server's delete takes them). A deleted PostgreSQL server's backup is retained five
// days (restoreDays): an undo window, not a recovery point that survives.
func flexibleServer(doc, engine, action string, restoreDays float64, backupDoc string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Database, Doc: azureDocs + doc, Read: true,
		Attrs: []string{"resource_group_name", "location", "backup_retention_days", "geo_redundant_backup_enabled", "version", "create_mode", "source_server_id"},
		Setup: func(b *Builder, n *Node) {
			n.Res.SetAttr("engine", engine)
			if restoreDays > 0 {
				n.Res.SetAttr(graph.AttrRestoreWindow, window(restoreDays))
			}
		},
		Link: func(b *Builder, n *Node) {
			b.azureData(n, nil, action)
			ret, _ := n.In.Num("backup_retention_days", 7)
			geo := b.Safeguard(n, "geo_redundant_backup_enabled", false, false)
			bk := azSynth(b, "azurerm:"+n.In.Type+"_backups:"+idTail(n.Res.ID), n.In.Type+"_backup", n.Res.Name+" automated backups",
				n.In.Address+" (backup_retention_days)", graph.AttrContinuous, "true", graph.AttrRetentionDays, days(ret))
			samePlace(bk, n.Res)
			if geo {
				bk.SetAttr("geo_redundant", "true")
			}
			b.Edge(bk, graph.BacksUp, n.Res, "automated backups, "+days(ret)+" days")
			b.Edge(n.Res, graph.DeletesWith, bk, "deleting the server deletes its backups, geo-redundant copies included ("+backupDoc+")")
		},
	}
}

func init() {
	register(map[string]*TypeInfo{
		"azurerm_resource_group": {
			// https://learn.microsoft.com/azure/azure-resource-manager/management/delete-resource-group
			Kind: graph.Project, Doc: azureDocs + "resource_group", Read: true,
			Attrs: []string{"location"},
			Link: func(b *Builder, n *Node) {
				p := b.azurePlace(n, nil)
				p.rg = strings.ToLower(n.In.Str("name"))
				t := azTarget{res: n.Res, node: n, place: p, action: "Microsoft.Resources/subscriptions/resourceGroups/delete"}
				if lock := b.azureLocked(t); lock != "" {
					t.locked = lock
					n.Res.SetAttr("management_lock", lock)
				}
				b.azure.targets = append(b.azure.targets, t)
			},
		},
		"azurerm_postgresql_flexible_server": flexibleServer("postgresql_flexible_server", "postgresql", "Microsoft.DBforPostgreSQL/flexibleServers/delete", 5,
			"https://learn.microsoft.com/azure/postgresql/backup-restore/how-to-restore-deleted-server"),
		"azurerm_mysql_flexible_server": flexibleServer("mysql_flexible_server", "mysql", "Microsoft.DBforMySQL/flexibleServers/delete", 0,
			"https://learn.microsoft.com/azure/mysql/flexible-server/concepts-backup-restore"),
		"azurerm_mssql_server":   sqlServer("mssql_server"),
		"azurerm_mssql_database": sqlDatabase("mssql_database", mssqlDatabaseServer, "server_id"),
		"azurerm_cosmosdb_account": {
			// Periodic mode (the default): backups belong to the account; snapshots of a deleted
			// database or container are kept 30 days. Continuous mode: a deleted account can be
			// restored within the tier's retention (7 or 30 days), an undo window.
			// https://learn.microsoft.com/azure/cosmos-db/periodic-backup-restore-introduction
			// https://learn.microsoft.com/azure/cosmos-db/continuous-backup-restore-introduction
			Kind: graph.Database, Doc: azureDocs + "cosmosdb_account",
			Attrs: []string{"resource_group_name", "location", "backup", "kind"},
			Setup: func(b *Builder, n *Node) { n.Res.SetAttr("engine", "cosmosdb") },
			Link: func(b *Builder, n *Node) {
				b.azureData(n, nil, "Microsoft.DocumentDB/databaseAccounts/delete", "documentdb account contributor")
				mode := n.In.Str("backup.0.type")
				if mode == "" {
					mode = "Periodic"
				}
				var bk *graph.Resource
				if strings.EqualFold(mode, "Continuous") {
					d := 30.0
					if strings.EqualFold(n.In.Str("backup.0.tier"), "Continuous7Days") {
						d = 7
					}
					n.Res.SetAttr(graph.AttrRestoreWindow, window(d))
					bk = azSynth(b, "azurerm:azurerm_cosmosdb_account_backups:"+idTail(n.Res.ID), "azurerm_cosmosdb_continuous_backup", n.Res.Name+" continuous backup",
						n.In.Address+" (backup)", graph.AttrContinuous, "true", graph.AttrRetentionDays, days(d))
					b.Edge(bk, graph.BacksUp, n.Res, "continuous backup, "+days(d)+" days")
				} else {
					h, _ := n.In.Num("backup.0.retention_in_hours", 8)
					bk = azSynth(b, "azurerm:azurerm_cosmosdb_account_backups:"+idTail(n.Res.ID), "azurerm_cosmosdb_periodic_backup", n.Res.Name+" periodic backups",
						n.In.Address+" (backup)", "retention_hours", days(h))
					b.Edge(bk, graph.BacksUp, n.Res, "periodic backups, kept "+days(h)+" hours")
				}
				samePlace(bk, n.Res)
				b.Edge(n.Res, graph.DeletesWith, bk, "the account's backups are managed by Cosmos DB and go with the account")
			},
		},
		"azurerm_storage_account": {
			// Blob versioning keeps previous versions of overwritten and deleted blobs; blob and
			// container soft delete keep deleted ones for their days, share soft delete deleted
			// file shares (azure_more_types.go). All live in the account and go with it. A
			// Locked account-level immutability policy keeps versions from being deleted
			// before their period ends, and the account cannot be deleted while it holds them. https://learn.microsoft.com/azure/storage/blobs/versioning-overview
			// https://learn.microsoft.com/azure/storage/blobs/immutable-storage-overview
			Kind: graph.Bucket, Doc: azureDocs + "storage_account", Read: true,
			Attrs: []string{"resource_group_name", "location", "blob_properties", "share_properties", "immutability_policy", "account_kind"},
			Link: func(b *Builder, n *Node) {
				p := b.azureData(n, nil, "Microsoft.Storage/storageAccounts/delete", "storage account contributor")
				if d, ok := n.In.Num("blob_properties.0.delete_retention_policy.0.days", 0); ok {
					n.Res.SetAttr("blob_soft_delete_days", days(d))
				}
				if d, ok := n.In.Num("blob_properties.0.container_delete_retention_policy.0.days", 0); ok {
					n.Res.SetAttr("container_soft_delete_days", days(d))
				}
				if d, ok := shareSoftDelete(n.In); ok {
					n.Res.SetAttr("share_soft_delete_days", days(d))
				}
				locked := strings.EqualFold(n.In.Str("immutability_policy.0.state"), "Locked")
				if b.Safeguard(n, "blob_properties.0.versioning_enabled", false, false) {
					v := samePlace(azSynth(b, "azurerm:azurerm_storage_account_versions:"+idTail(n.Res.ID), "azurerm_storage_blob_versions", n.Res.Name+" blob versions",
						n.In.Address+" (blob_properties.versioning_enabled)", graph.AttrContinuous, "true"), n.Res)
					b.Edge(v, graph.BacksUp, n.Res, "blob versioning keeps previous versions of overwritten and deleted blobs")
					if locked {
						v.SetAttr("locked", "immutability policy (Locked)")
					} else {
						b.Edge(n.Res, graph.DeletesWith, v, "versions live in the account and go with it")
						b.azureRecovery(v, p, false, "", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/deleteBlobVersion/action", "storage blob data owner")
					}
				}
			},
		},
		"azurerm_storage_container": {
			// A container's blobs are the account's data: deleting the account deletes them.
			Relation: true, Doc: azureDocs + "storage_container",
		},
		"azurerm_managed_disk": {
			// A managed disk's snapshots are independent resources: they outlive the disk.
			// https://learn.microsoft.com/azure/virtual-machines/snapshot-copy-managed-disk
			Kind: graph.Volume, Doc: azureDocs + "managed_disk", Read: true,
			Attrs: []string{"resource_group_name", "location", "disk_size_gb"},
			Setup: func(b *Builder, n *Node) {
				if s := n.In.Str("disk_size_gb"); s != "" {
					n.Res.SetAttr("size_gb", s)
				}
			},
			Link: func(b *Builder, n *Node) { b.azureData(n, nil, "Microsoft.Compute/disks/delete") },
		},
		"azurerm_snapshot": {
			Kind: graph.Backup, Doc: azureDocs + "snapshot",
			Attrs: []string{"resource_group_name", "location", "source_uri", "source_resource_id", "time_created"},
			Setup: func(b *Builder, n *Node) { createdAt(n, "time_created") },
			Link: func(b *Builder, n *Node) {
				for _, a := range []string{"source_uri", "source_resource_id"} {
					for _, d := range b.FindAttr(n, a, "azurerm_managed_disk") {
						b.Edge(n.Res, graph.BacksUp, d.Res, "snapshot: an independent copy, kept when the disk is deleted")
					}
				}
				p := b.azurePlace(n, nil)
				if p.rgNode != nil && p.rgNode.Res != nil {
					b.Edge(p.rgNode.Res, graph.Contains, n.Res, "deleting a resource group deletes every resource in it")
				}
				if p.sub != "" {
					n.Res.SetAttr(graph.AttrAccount, p.sub)
				}
				t := azTarget{res: n.Res, node: n, place: p, action: "Microsoft.Compute/snapshots/delete"}
				if t.locked = b.azureLocked(t); t.locked != "" {
					n.Res.SetAttr("management_lock", t.locked)
				}
				b.azure.targets = append(b.azure.targets, t)
			},
		},
		"azurerm_recovery_services_vault": {
			// Soft delete (on by default) keeps deleted backup data 14 days; immutability Locked
			// cannot be undone and stops recovery points from being deleted before they
			// expire, Unlocked can be switched off by whoever may change the vault.
			// https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept
			// https://learn.microsoft.com/azure/backup/backup-azure-security-feature-cloud
			Kind: graph.BackupVault, Doc: azureDocs + "recovery_services_vault", Read: true,
			Attrs: []string{"resource_group_name", "location", "soft_delete_enabled", "immutability", "storage_mode_type"},
			Setup: func(b *Builder, n *Node) {
				azureVaultSetup(b, n, b.Safeguard(n, "soft_delete_enabled", true, false), 14)
			},
			Link: func(b *Builder, n *Node) {
				b.azureData(n, nil, "Microsoft.RecoveryServices/vaults/delete", "backup contributor")
			},
		},
		"azurerm_data_protection_backup_vault": {
			// soft_delete On (default) or AlwaysOn keeps deleted backup data
			// retention_duration_in_days (14 by default); immutability as for Recovery Services.
			// https://learn.microsoft.com/azure/backup/backup-vault-overview
			Kind: graph.BackupVault, Doc: azureDocs + "data_protection_backup_vault", Read: true,
			Attrs: []string{"resource_group_name", "location", "soft_delete", "immutability", "retention_duration_in_days", "redundancy"},
			Setup: func(b *Builder, n *Node) {
				d, _ := n.In.Num("retention_duration_in_days", 14)
				azureVaultSetup(b, n, !strings.EqualFold(n.In.Str("soft_delete"), "Off"), d)
			},
			Link: func(b *Builder, n *Node) {
				b.azureData(n, nil, "Microsoft.DataProtection/backupVaults/delete", "backup contributor")
			},
		},
		"azurerm_backup_policy_vm":                                         azurePolicy("backup_policy_vm"),
		"azurerm_backup_policy_vm_workload":                                azurePolicy("backup_policy_vm_workload"),
		"azurerm_backup_policy_file_share":                                 azurePolicy("backup_policy_file_share"),
		"azurerm_data_protection_backup_policy_disk":                       azurePolicy("data_protection_backup_policy_disk"),
		"azurerm_data_protection_backup_policy_postgresql_flexible_server": azurePolicy("data_protection_backup_policy_postgresql_flexible_server"),
		"azurerm_data_protection_backup_policy_mysql_flexible_server":      azurePolicy("data_protection_backup_policy_mysql_flexible_server"),
		// AKS backup (below): a policy of the same family, understood as its siblings are.
		"azurerm_data_protection_backup_policy_kubernetes_cluster": azurePolicy("data_protection_backup_policy_kubernetes_cluster"),
		"azurerm_data_protection_backup_policy_blob_storage": func() *TypeInfo {
			t := azurePolicy("data_protection_backup_policy_blob_storage")
			t.Attrs = append(t.Attrs, "operational_default_retention_duration", "vault_default_retention_duration")
			return t
		}(),
		"azurerm_virtual_machine_data_disk_attachment": {
			Relation: true, Doc: azureDocs + "virtual_machine_data_disk_attachment", Read: true,
			Attrs: []string{"managed_disk_id", "virtual_machine_id"},
		},
		"azurerm_backup_protected_vm": {
			// A VM backup's recovery points live in the Recovery Services vault and outlive the
			// VM and its disks; they die by stop-protection-and-delete-data (after the soft
			// delete window) unless the vault is immutable and Locked.
			// https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction
			Relation: true, Late: true, Doc: azureDocs + "backup_protected_vm",
			Attrs: []string{"recovery_vault_name", "source_vm_id", "backup_policy_id", "resource_group_name"},
			Link: func(b *Builder, n *Node) {
				if b.azure.vmDisks == nil {
					b.azure.vmDisks = map[string][]*Node{}
					for _, a := range b.nodes {
						if a.In.Type == "azurerm_virtual_machine_data_disk_attachment" {
							k := vmKey(a, "virtual_machine_id")
							b.azure.vmDisks[k] = append(b.azure.vmDisks[k], b.FindAttr(a, "managed_disk_id", "azurerm_managed_disk")...)
						}
					}
				}
				disks := b.azure.vmDisks[vmKey(n, "source_vm_id")]
				if os := b.azure.osDisks[vmKey(n, "source_vm_id")]; os != nil {
					disks = append(disks[:len(disks):len(disks)], os) // a VM backup includes its OS disk
				}
				vault := firstNode(b.FindAttr(n, "recovery_vault_name", "azurerm_recovery_services_vault"))
				for _, d := range disks {
					azureVaultPoint(b, n, d, vault, "Azure Backup (VM)")
				}
			},
		},
		"azurerm_backup_protected_file_share": {
			// Azure Files backups are share snapshots kept in the storage account: deleting the
			// account deletes them. https://learn.microsoft.com/azure/backup/azure-file-share-backup-overview
			// They back up the share when it is in the source (azurerm_storage_share, linked
			// first: this row is Late), else the account. "You can't delete a share that has
			// share snapshots. To delete the share, you must delete all the share snapshots":
			// a determined delete of the share takes them.
			// https://learn.microsoft.com/azure/storage/files/storage-snapshots-files
			Relation: true, Late: true, Doc: azureDocs + "backup_protected_file_share",
			Attrs: []string{"source_storage_account_id", "source_file_share_name"},
			Link: func(b *Builder, n *Node) {
				sa := firstNode(b.FindAttr(n, "source_storage_account_id", "azurerm_storage_account"))
				share := n.In.Str("source_file_share_name")
				var sh *graph.Resource
				if s := firstNode(b.FindAttr(n, "source_file_share_name", "azurerm_storage_share")); s != nil {
					// a reference to the share (the provider's example): its account too, when
					// the account is named through azurerm_backup_container_storage_account
					sh, share = s.Res, s.Res.Name
					if sa == nil {
						sa = b.azure.shareAccount[s.Res]
					}
				}
				if sa == nil {
					return
				}
				if sh == nil {
					sh = b.azure.shares[shareKey(sa.Res, share)]
				}
				rp := samePlace(azSynth(b, "azurerm:azurerm_backup_protected_file_share:"+idTail(sa.Res.ID)+":"+n.In.Address, "azurerm_file_share_snapshot",
					sa.Res.Name+" file share snapshots "+share, n.In.Address), sa.Res)
				if sh != nil {
					b.Edge(rp, graph.BacksUp, sh, "Azure Files backup: share snapshots in the account")
					b.Edge(sh, graph.DeletesWith, rp, "a share's snapshots must be deleted before the share: its delete takes them")
				} else {
					b.Edge(rp, graph.BacksUp, sa.Res, "Azure Files backup: share snapshots in the account")
				}
				b.Edge(sa.Res, graph.DeletesWith, rp, "share snapshots live in the storage account and go with it")
			},
		},
		"azurerm_data_protection_backup_instance_postgresql_flexible_server": azureInstance("data_protection_backup_instance_postgresql_flexible_server", "server_id", "azurerm_postgresql_flexible_server"),
		"azurerm_data_protection_backup_instance_mysql_flexible_server":      azureInstance("data_protection_backup_instance_mysql_flexible_server", "server_id", "azurerm_mysql_flexible_server"),
		"azurerm_data_protection_backup_instance_disk": {
			// Disk backups are incremental snapshots kept in snapshot_resource_group_name, not
			// in the vault: they outlive the disk and go with that resource group.
			// https://learn.microsoft.com/azure/backup/disk-backup-overview
			Relation: true, Doc: azureDocs + "data_protection_backup_instance_disk",
			Attrs: []string{"disk_id", "vault_id", "snapshot_resource_group_name", "backup_policy_id"},
			Link: func(b *Builder, n *Node) {
				d := firstNode(b.FindAttr(n, "disk_id", "azurerm_managed_disk"))
				if d == nil {
					return
				}
				rp := samePlace(azSynth(b, "azurerm:azurerm_data_protection_backup_instance_disk:"+idTail(d.Res.ID), "azurerm_disk_backup_snapshot",
					d.Res.Name+" Azure Backup snapshots", n.In.Address), d.Res)
				b.Edge(rp, graph.BacksUp, d.Res, "Azure Backup disk snapshots in the snapshot resource group")
				p := azPlace{sub: b.azurePlace(d, nil).sub}
				if r, ok := n.In.RefOf("snapshot_resource_group_name"); ok {
					if g := firstNode(b.Find(r, "azurerm_resource_group")); g != nil {
						b.Edge(g.Res, graph.Contains, rp, "the snapshots live in this resource group")
						p.rg, p.rgNode = strings.ToLower(g.In.Str("name")), g
					}
				} else if name := n.In.Str("snapshot_resource_group_name"); name != "" {
					p.rg = strings.ToLower(name)
					if g := firstNode(b.Find(name, "azurerm_resource_group")); g != nil {
						b.Edge(g.Res, graph.Contains, rp, "the snapshots live in this resource group")
					}
				}
				b.azureRecovery(rp, p, false, "", "Microsoft.Compute/snapshots/delete", "disk snapshot contributor")
			},
		},
		"azurerm_data_protection_backup_instance_blob_storage": {
			// Operational backup keeps blob data in the account itself (it goes with the
			// account); vaulted backup copies it to the vault.
			// https://learn.microsoft.com/azure/backup/blob-backup-overview
			Relation: true, Doc: azureDocs + "data_protection_backup_instance_blob_storage",
			Attrs: []string{"storage_account_id", "vault_id", "backup_policy_id"},
			Link: func(b *Builder, n *Node) {
				sa := firstNode(b.FindAttr(n, "storage_account_id", "azurerm_storage_account"))
				if sa == nil {
					return
				}
				pol := firstNode(b.FindAttr(n, "backup_policy_id", "azurerm_data_protection_backup_policy_blob_storage"))
				vaulted := pol != nil && pol.In.Str("vault_default_retention_duration") != ""
				if pol == nil || pol.In.Str("operational_default_retention_duration") != "" || !vaulted {
					rp := samePlace(azSynth(b, "azurerm:azurerm_blob_operational_backup:"+idTail(sa.Res.ID), "azurerm_blob_operational_backup",
						sa.Res.Name+" operational blob backup", n.In.Address), sa.Res)
					b.Edge(rp, graph.BacksUp, sa.Res, "operational backup: kept in the account itself")
					b.Edge(sa.Res, graph.DeletesWith, rp, "operational backup data lives in the storage account and goes with it")
				}
				if vaulted {
					azureVaultPoint(b, n, sa, firstNode(b.FindAttr(n, "vault_id", "azurerm_data_protection_backup_vault")), "Azure Backup (vaulted blobs)")
				}
			},
		},
		"azurerm_data_protection_backup_instance_kubernetes_cluster": {
			// AKS backup protects "cluster state and application data that's stored on
			// persistent volumes in CSI driver-based Azure Disk Storage": the cluster's
			// Kubernetes objects go to a blob container of the storage account the Backup
			// extension is given, its disk persistent volumes become "disk snapshots in a
			// snapshot resource group" (snapshot_resource_group_name), and one recovery point a
			// day can be moved to the vault tier. https://learn.microsoft.com/azure/backup/azure-kubernetes-service-backup-overview
			// Neither is a data resource of the graph: Kubernetes objects are not Azure
			// resources, and the CSI driver creates a volume's disk in the cluster's node
			// resource group, outside Terraform (azurerm_kubernetes_cluster itself is not
			// mapped). With nothing of the graph to back up, the backup instance is understood
			// and not data: an "other" node, as aws_ssm_parameter is.
			Kind: graph.Other, Doc: azureDocs + "data_protection_backup_instance_kubernetes_cluster",
		},
		"azurerm_key_vault": {
			// Soft delete is always on: a deleted vault (and each deleted key or secret) is
			// kept soft_delete_retention_days (90 by default) and can be recovered; without
			// purge protection anyone allowed to purge can end that window at once.
			// https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
			Kind: graph.Database, Doc: azureDocs + "key_vault",
			Attrs: []string{"resource_group_name", "location", "soft_delete_retention_days", "purge_protection_enabled"},
			Setup: func(b *Builder, n *Node) {
				d, _ := n.In.Num("soft_delete_retention_days", 90)
				purge := b.Safeguard(n, "purge_protection_enabled", false, false)
				n.Res.SetAttr("purge_protection", boolStr(purge))
				if purge {
					n.Res.SetAttr(graph.AttrRestoreWindow, window(d))
				} else {
					n.Res.SetAttr("soft_delete_days", days(d)+" (can be purged sooner: purge protection is off)")
				}
				n.Res.SetAttr("engine", "keyvault")
			},
			Link: func(b *Builder, n *Node) {
				b.azureData(n, nil, "Microsoft.KeyVault/vaults/delete", "key vault contributor")
			},
		},
		"azurerm_management_lock": {
			// CanNotDelete and ReadOnly both stop deletes of the scope and everything under it
			// until the lock is removed (Microsoft.Authorization/locks/delete: Owner and User
			// Access Administrator, not Contributor).
			// https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources
			Relation: true, Doc: azureDocs + "management_lock",
			Attrs: []string{"scope", "lock_level"},
			Link: func(b *Builder, n *Node) {
				sc, ok := b.azureScope(n, "scope")
				if !ok {
					return // an unresolvable lock protects nothing bulkhead can name
				}
				name := n.In.Str("name")
				if name == "" {
					name = n.In.Address
				}
				b.azure.locks = append(b.azure.locks, azLock{scope: sc, from: name + " (" + n.In.Str("lock_level") + ")"})
			},
		},
	})
}

// sqlServer maps an Azure SQL logical server (azurerm_mssql_server, and the deprecated
// azurerm_sql_server of azure_more_types.go). "If you delete a server, all databases on
// that server are also deleted and can't be recovered. You can't restore a deleted server.
// But if you've configured long-term retention for a database, LTR backups are not
// deleted." https://learn.microsoft.com/azure/azure-sql/database/automated-backups-overview
// The server holds no data of its own: it contains its databases.
func sqlServer(doc string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Service, Doc: azureDocs + doc, Read: true,
		Attrs: []string{"resource_group_name", "location", "version"},
		Link: func(b *Builder, n *Node) {
			b.azureData(n, nil, "Microsoft.Sql/servers/delete", "sql server contributor")
		},
	}
}

// sqlServerTypes are the types of an Azure SQL logical server, either of which a database
// of either type may name (a migration from the deprecated types mixes them).
var sqlServerTypes = []string{"azurerm_mssql_server", "azurerm_sql_server"}

// mssqlDatabaseServer finds an azurerm_mssql_database's server by server_id.
func mssqlDatabaseServer(b *Builder, n *Node) *Node {
	if s := linkFirst(b, n, "server_id", sqlServerTypes...); s != nil {
		return s
	}
	if id := n.In.Str("server_id"); id != "" {
		return firstNode(b.Find(id, sqlServerTypes...))
	}
	return nil
}

// sqlDatabase maps an Azure SQL database (azurerm_mssql_database, and the deprecated
// azurerm_sql_database), whose server is found by server. Point-in-time backups
// (short_term_retention_policy, 7 days by default) are kept for the retention period after
// the database is deleted (an undo window) and go with the server; LTR backups
// (long_term_retention_policy) survive both.
func sqlDatabase(doc string, server func(b *Builder, n *Node) *Node, attrs ...string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Database, Doc: azureDocs + doc,
		Attrs: append(attrs, "short_term_retention_policy", "long_term_retention_policy"),
		Setup: func(b *Builder, n *Node) { n.Res.SetAttr("engine", "sqlserver") },
		Link: func(b *Builder, n *Node) {
			server := server(b, n)
			p := b.azureData(n, server, "Microsoft.Sql/servers/databases/delete", "sql server contributor", "sql db contributor")
			ret, _ := n.In.Num("short_term_retention_policy.0.retention_days", 7)
			n.Res.SetAttr(graph.AttrRestoreWindow, window(ret))
			pitr := samePlace(azSynth(b, "azurerm:azurerm_mssql_database_pitr:"+idTail(n.Res.ID), "azurerm_mssql_database_pitr", n.Res.Name+" point-in-time backups",
				n.In.Address+" (short_term_retention_policy)", graph.AttrContinuous, "true", graph.AttrRetentionDays, days(ret)), n.Res)
			b.Edge(pitr, graph.BacksUp, n.Res, "point-in-time backups, "+days(ret)+" days")
			b.Edge(n.Res, graph.DeletesWith, pitr, "a deleted database's backups are kept only for its retention period, and go with the server")
			if server != nil && server.Res != nil {
				b.Edge(server.Res, graph.DeletesWith, pitr, "deleting the server deletes its databases' backups")
			}
			var ltr []string
			for _, k := range []string{"weekly_retention", "monthly_retention", "yearly_retention"} {
				if v := n.In.Str("long_term_retention_policy.0." + k); v != "" && v != "PT0S" {
					ltr = append(ltr, strings.TrimSuffix(k, "_retention")+" "+v)
				}
			}
			if len(ltr) > 0 {
				rp := samePlace(azSynth(b, "azurerm:azurerm_mssql_database_ltr:"+idTail(n.Res.ID), "azurerm_mssql_database_ltr", n.Res.Name+" long-term retention backups",
					n.In.Address+" (long_term_retention_policy)", "schedule", strings.Join(ltr, ",")), n.Res)
				b.Edge(rp, graph.BacksUp, n.Res, "long-term retention backups ("+strings.Join(ltr, ", ")+"): kept when the database or its server is deleted")
				b.azureRecovery(rp, azPlace{sub: p.sub, rg: p.rg}, false, "LTR backups are deleted one by one (also through the resource group's API)",
					"Microsoft.Sql/locations/longTermRetentionServers/longTermRetentionDatabases/longTermRetentionBackups/delete", "sql server contributor")
			}
		},
	}
}

func firstNode(ns []*Node) *Node {
	if len(ns) > 0 {
		return ns[0]
	}
	return nil
}

// vmKey names the VM an attribute refers to: its address for a reference, else its ID in
// lower case ("" when neither).
func vmKey(n *Node, attr string) string {
	if r, ok := n.In.RefOf(attr); ok {
		return "address:" + r.Address
	}
	if s := n.In.Str(attr); s != "" {
		return strings.ToLower(s)
	}
	return "none:" + n.In.Address
}

func azurePolicy(doc string) *TypeInfo {
	return &TypeInfo{Kind: graph.BackupPolicy, Doc: azureDocs + doc, Read: true, Attrs: []string{"vault_id", "recovery_vault_name"}}
}

// azureVaultSetup reads a vault's soft delete and immutability.
func azureVaultSetup(b *Builder, n *Node, softDelete bool, d float64) {
	if softDelete {
		n.Res.SetAttr("soft_delete_days", days(d))
	}
	switch strings.ToLower(n.In.Str("immutability")) {
	case "locked":
		n.Res.SetAttr(graph.AttrVaultLock, "compliance")
	case "unlocked":
		n.Res.SetAttr(graph.AttrVaultLock, "governance")
	}
}

// azureVaultPoint adds the recovery points a backup instance keeps of src in vault.
func azureVaultPoint(b *Builder, n, src, vault *Node, what string) {
	if src == nil || src.Res == nil {
		return
	}
	id := "azurerm:" + n.In.Type + ":" + idTail(src.Res.ID)
	name := src.Res.Name + " recovery points"
	if vault != nil {
		id += "@" + vault.Res.ID
		name += " (" + vault.Res.Name + ")"
	}
	rp := azSynth(b, id, "azurerm_backup_recovery_point", name, n.In.Address)
	b.Edge(rp, graph.BacksUp, src.Res, what+": recovery points in the vault outlive the source")
	if vault == nil {
		b.azureRecovery(rp, azPlace{}, false, "vault not in this source", "Microsoft.DataProtection/backupVaults/backupInstances/delete", "backup contributor")
		return
	}
	b.Edge(rp, graph.StoredIn, vault.Res, "")
	if a, ok := vault.Res.Attr(graph.AttrAccount); ok {
		rp.SetAttr(graph.AttrAccount, a)
	}
	if d, ok := vault.Res.Attr("soft_delete_days"); ok {
		f, _ := strconv.ParseFloat(d, 64)
		rp.SetAttr(graph.AttrRestoreWindow, window(f))
	}
	lock, _ := vault.Res.Attr(graph.AttrVaultLock)
	action := "Microsoft.DataProtection/backupVaults/backupInstances/delete"
	if vault.In.Type == "azurerm_recovery_services_vault" {
		action = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/delete"
	}
	note := "stop protection and delete backup data"
	if lock == "governance" {
		note = "immutability Unlocked: can be switched off first"
	}
	b.azureRecovery(rp, b.azurePlace(vault, nil), lock == "compliance", note, action, "backup contributor")
}

// azureInstance maps a Backup vault instance of a database server.
func azureInstance(doc, attr, typ string) *TypeInfo {
	return &TypeInfo{
		// Vaulted backups of a flexible server are kept in the Backup vault by its policy's
		// retention and outlive the server. https://learn.microsoft.com/azure/backup/backup-azure-database-postgresql-flex-overview
		Relation: true, Doc: azureDocs + doc,
		Attrs: []string{attr, "vault_id", "backup_policy_id"},
		Link: func(b *Builder, n *Node) {
			src := firstNode(b.FindAttr(n, attr, typ))
			vault := firstNode(b.FindAttr(n, "vault_id", "azurerm_data_protection_backup_vault"))
			azureVaultPoint(b, n, src, vault, "Azure Backup vault")
		},
	}
}
