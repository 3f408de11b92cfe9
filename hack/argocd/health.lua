-- Argo CD health of the mentoring.reverse-mentoring.dev kinds (Programme, Participant, Pairing), read
-- from their kstatus conditions. A Participant that is not paired (Matched=False) keeps Ready true and
-- is Healthy: being unpaired is a normal state.
-- argocd-cm key: resource.customizations.health.mentoring.reverse-mentoring.dev_*
local hs = {}
local status = obj.status or {}
local conditions = {}
for _, condition in ipairs(status.conditions or {}) do
  conditions[condition.type] = condition
end
local ready = conditions["Ready"]
if status.observedGeneration ~= obj.metadata.generation or ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on the latest spec"
  return hs
end
local stalled = conditions["Stalled"]
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message
  return hs
end
local reconciling = conditions["Reconciling"]
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = reconciling.message
  return hs
end
hs.message = ready.message
if ready.status == "True" then
  -- A Programme's spec.suspend: status is reported, nothing external happens.
  if ready.reason == "Suspended" then
    hs.status = "Suspended"
  else
    hs.status = "Healthy"
  end
elseif ready.status == "False" then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
return hs
