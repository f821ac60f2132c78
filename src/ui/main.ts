/** Entry point of the web app (referenced by index.html). */
import { h, render } from 'preact';
import { App } from './App.tsx';
import { persistChoices } from './app/persist.ts';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
persistChoices();
render(h(App, null), root);
