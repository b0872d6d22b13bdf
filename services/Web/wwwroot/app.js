// The few things only the browser knows; called by the server-side components over the circuit.
window.daprPlatform = {
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
  // A conversation opens at its newest message, at the bottom.
  revealLast: (list) => list?.lastElementChild?.scrollIntoView({ block: 'nearest' }),
};
