import { render } from 'preact';
import { App } from './app';
import { state } from './state';
import './styles.css';

document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
render(<App />, document.getElementById('app')!);
