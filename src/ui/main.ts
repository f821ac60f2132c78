// Placeholder entry, replaced by the app shell.
document.getElementById('app')!.textContent = 'AutoGenDA';
