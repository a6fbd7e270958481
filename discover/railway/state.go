package railway

import (
	"sync"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Raw API objects, as decoded from Railway's answers (field names are the schema's).
type (
	rawWorkspace struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	rawProject struct {
		ID           string                 `json:"id"`
		Name         string                 `json:"name"`
		WorkspaceID  *string                `json:"workspaceId"`
		CreatedAt    *string                `json:"createdAt"`
		DeletedAt    *string                `json:"deletedAt"`
		Environments connection[rawEnv]     `json:"environments"`
		Services     connection[rawService] `json:"services"`
		Volumes      connection[rawVolume]  `json:"volumes"`
		Buckets      connection[rawBucket]  `json:"buckets"`
	}
	rawEnv struct {
		ID               string             `json:"id"`
		Name             string             `json:"name"`
		ProjectID        string             `json:"projectId"`
		IsEphemeral      bool               `json:"isEphemeral"`
		DeletedAt        *string            `json:"deletedAt"`
		ServiceInstances connection[rawSI]  `json:"serviceInstances"`
		VolumeInstances  connection[rawVI]  `json:"volumeInstances"`
		Variables        connection[rawVar] `json:"variables"`
	}
	rawSI struct {
		ID            string  `json:"id"`
		ServiceID     string  `json:"serviceId"`
		ServiceName   string  `json:"serviceName"`
		EnvironmentID string  `json:"environmentId"`
		DeletedAt     *string `json:"deletedAt"`
	}
	rawVI struct {
		ID                string  `json:"id"`
		VolumeID          string  `json:"volumeId"`
		EnvironmentID     string  `json:"environmentId"`
		ServiceID         *string `json:"serviceId"` // nullable: a detached volume instance
		MountPath         string  `json:"mountPath"`
		SizeMB            int     `json:"sizeMB"`
		State             *string `json:"state"`
		Region            *string `json:"region"`
		CreatedAt         *string `json:"createdAt"`
		DeletedAt         *string `json:"deletedAt"`
		IsPendingDeletion bool    `json:"isPendingDeletion"`
	}
	rawVar struct {
		ID            string  `json:"id"`
		Name          string  `json:"name"`
		ServiceID     *string `json:"serviceId"`
		EnvironmentID *string `json:"environmentId"`
	}
	rawService struct {
		ID        string  `json:"id"`
		Name      string  `json:"name"`
		CreatedAt *string `json:"createdAt"`
		DeletedAt *string `json:"deletedAt"`
	}
	rawVolume struct {
		ID        string  `json:"id"`
		Name      string  `json:"name"`
		CreatedAt *string `json:"createdAt"`
	}
	rawBucket struct {
		ID        string  `json:"id"`
		Name      string  `json:"name"`
		CreatedAt *string `json:"createdAt"`
	}
	rawBackup struct {
		ID           string  `json:"id"`
		Name         *string `json:"name"`
		CreatedAt    string  `json:"createdAt"`
		ExpiresAt    *string `json:"expiresAt"`
		ScheduleID   *string `json:"scheduleId"`
		UsedMB       *int    `json:"usedMB"`
		ReferencedMB *int    `json:"referencedMB"`
	}
	rawSchedule struct {
		ID               string `json:"id"`
		Kind             string `json:"kind"`
		Cron             string `json:"cron"`
		Name             string `json:"name"`
		RetentionSeconds *int   `json:"retentionSeconds"`
		CreatedAt        string `json:"createdAt"`
	}
	rawAPIToken struct {
		ID           string  `json:"id"`
		Name         string  `json:"name"`
		DisplayToken string  `json:"displayToken"` // masked form; used in memory to match values, never kept
		WorkspaceID  *string `json:"workspaceId"`  // null: an account token
		ExpiresAt    *string `json:"expiresAt"`
	}
	rawProjectToken struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		DisplayToken  string `json:"displayToken"` // masked; used in memory to match values, never kept
		ProjectID     string `json:"projectId"`
		EnvironmentID string `json:"environmentId"`
		CreatedAt     string `json:"createdAt"`
	}
)

type projState struct {
	raw      rawProject
	services map[string]rawService
	volumes  map[string]rawVolume
	buckets  map[string]rawBucket
}

type envState struct {
	raw  rawEnv
	sis  map[string]rawSI
	vis  map[string]rawVI
	vars map[string]rawVar
}

// exposure is a credential found in a variable: by name, or by value matched against a
// known token's masked display form (tokenID set).
type exposure struct {
	envID, serviceID, name string
	tokenID                string // canonical ID of the token the value identified, if any
}

// state collects what discovery read; build turns it into a graph, sorted, at the end.
type state struct {
	mu         sync.Mutex
	workspaces map[string]rawWorkspace
	projects   map[string]*projState
	envs       map[string]*envState
	backups    map[string][]rawBackup
	schedules  map[string][]rawSchedule
	apiTokens  map[string]rawAPIToken
	projTokens map[string]rawProjectToken
	exposures  map[exposure]bool
	gaps       []graph.Gap
	onlyEnv    string // project token: the one environment it can see
}

func newState() *state {
	return &state{
		workspaces: map[string]rawWorkspace{}, projects: map[string]*projState{}, envs: map[string]*envState{},
		backups: map[string][]rawBackup{}, schedules: map[string][]rawSchedule{},
		apiTokens: map[string]rawAPIToken{}, projTokens: map[string]rawProjectToken{}, exposures: map[exposure]bool{},
	}
}

func (s *state) gap(what, reason string) { s.gapFor("", what, reason) }

// gapFor records a gap about one resource's part (resource "" when it is not one's).
func (s *state) gapFor(resource, what, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaps = append(s.gaps, graph.Gap{Source: "railway", What: what, Reason: reason, Resource: resource})
}

func (s *state) addWorkspace(w rawWorkspace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workspaces[w.ID] = w
}

func (s *state) project(id string) *projState {
	p := s.projects[id]
	if p == nil {
		p = &projState{services: map[string]rawService{}, volumes: map[string]rawVolume{}, buckets: map[string]rawBucket{}}
		p.raw.ID = id
		s.projects[id] = p
	}
	return p
}

func (s *state) addProject(p rawProject) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.project(p.ID)
	ps.raw.ID, ps.raw.Name, ps.raw.WorkspaceID, ps.raw.CreatedAt, ps.raw.DeletedAt = p.ID, p.Name, p.WorkspaceID, p.CreatedAt, p.DeletedAt
	s.addProjectConnLocked(ps, p)
}

func (s *state) addProjectConn(id string, p rawProject) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addProjectConnLocked(s.project(id), p)
}

func (s *state) addProjectConnLocked(ps *projState, p rawProject) {
	for _, x := range p.Services.nodes() {
		ps.services[x.ID] = x
	}
	for _, x := range p.Volumes.nodes() {
		ps.volumes[x.ID] = x
	}
	for _, x := range p.Buckets.nodes() {
		ps.buckets[x.ID] = x
	}
}

func (s *state) addEnv(e rawEnv) {
	s.mu.Lock()
	defer s.mu.Unlock()
	es := s.envs[e.ID]
	if es == nil {
		es = &envState{raw: e, sis: map[string]rawSI{}, vis: map[string]rawVI{}, vars: map[string]rawVar{}}
		s.envs[e.ID] = es
	}
	for _, x := range e.ServiceInstances.nodes() {
		es.sis[x.ID] = x
	}
	for _, x := range e.VolumeInstances.nodes() {
		es.vis[x.ID] = x
	}
	for _, x := range e.Variables.nodes() {
		es.vars[x.ID] = x
		if looksLikeTokenName(x.Name) {
			svc := ""
			if x.ServiceID != nil {
				svc = *x.ServiceID
			}
			s.exposures[exposure{envID: e.ID, serviceID: svc, name: x.Name}] = true
		}
	}
}

func (s *state) addBackups(vi string, bs []rawBackup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.backups[vi] = append(s.backups[vi], bs...)
}

func (s *state) addSchedules(vi string, ss []rawSchedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.schedules[vi] = append(s.schedules[vi], ss...)
}

func (s *state) addAPITokens(ts []rawAPIToken) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range ts {
		s.apiTokens[t.ID] = t
	}
}

func (s *state) addProjectTokens(ts []rawProjectToken) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range ts {
		s.projTokens[t.ID] = t
	}
}
