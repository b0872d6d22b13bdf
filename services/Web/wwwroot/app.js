// The few things only the browser knows; called by the server-side components over the circuit.
window.daprPlatform = {
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
  // A conversation opens at its newest message, at the bottom.
  revealLast: (list) => list?.lastElementChild?.scrollIntoView({ block: 'nearest' }),
  // A share link to the clipboard (the page also shows it selected in a field, for browsers that refuse).
  copyText: (text) => navigator.clipboard?.writeText(text),
  // A file the server fetched (a shared report) handed to the browser as a download.
  saveFile: async (fileName, contentType, stream) => {
    const url = URL.createObjectURL(new Blob([await stream.arrayBuffer()], { type: contentType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName ?? '';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  },
};
