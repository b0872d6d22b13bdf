// The few things only the browser knows; called by the server-side components over the circuit.
window.daprPlatform = {
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
};
