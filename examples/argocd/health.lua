-- Argo CD health check for Seawall resources (ProtectedBucket, QualityPipeline,
-- CostMonitor). It reads the kstatus conditions Seawall writes, the same way Flux
-- (wait: true) and `kubectl wait --for=condition=Ready` do:
--   seawall.dev/paused: "true"                       -> Suspended
--   no status / conditions yet, or an old generation -> Progressing
--   Stalled=True (needs a change from you)           -> Degraded
--   Reconciling=True                                 -> Progressing
--   Ready=True                                       -> Healthy
--   Ready=False or Unknown                           -> Progressing
-- The same script is registered for every kind in argocd-cm.yaml.
local hs = {}

local function condition(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

local annotations = nil
if obj.metadata ~= nil then
  annotations = obj.metadata.annotations
end
if annotations ~= nil and annotations["seawall.dev/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "seawall.dev/paused is \"true\": Seawall does not reconcile this resource"
  return hs
end

local status = obj.status
if status == nil or status.conditions == nil or #status.conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for Seawall to reconcile"
  return hs
end

local generation = obj.metadata and obj.metadata.generation or nil
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Seawall has not reconciled generation " .. tostring(generation) .. " yet"
  return hs
end

local stalled = condition(status.conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Stalled")
  return hs
end

local reconciling = condition(status.conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(reconciling, "Reconciling")
  return hs
end

local ready = condition(status.conditions, "Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready, "Ready")
  return hs
end

hs.status = "Progressing"
hs.message = describe(ready, "Waiting for Ready")
return hs
