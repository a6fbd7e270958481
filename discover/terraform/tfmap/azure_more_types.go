package tfmap

import (
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// More Azure rows (issue 15, second pass): virtual machines and their OS disks.
func init() {
	register(map[string]*TypeInfo{
		"azurerm_linux_virtual_machine":   azureVM("linux_virtual_machine"),
		"azurerm_windows_virtual_machine": azureVM("windows_virtual_machine"),
	})
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
