/** Entry point of the web app (referenced by index.html). */
import { h, render } from 'preact';
import { App } from './App.tsx';
import { catchUnhandled } from './app/ErrorBanner.tsx';
import { persistChoices } from './app/persist.ts';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
catchUnhandled();
persistChoices();
render(h(App, null), root);
