package analyze

// All is the rule catalogue, in ID order. IDs are stable and never reused.
var All = []*Rule{
	SharedAcrossEnvironments,
	BackupLifecycle,
	TokenExceedsPurpose,
	SingleCredentialWipe,
	NoBackup,
	NoDeletionProtection,
	StaleRecoveryPoint,
	BroadCredential,
	UnknownReach,
	ColocatedRecoveryPoints,
}

// Lookup finds a rule (of All or PlanRules) by ID or name.
func Lookup(idOrName string) (*Rule, bool) {
	for _, r := range Catalogue() {
		if r.ID == idOrName || r.Name == idOrName {
			return r, true
		}
	}
	return nil, false
}
