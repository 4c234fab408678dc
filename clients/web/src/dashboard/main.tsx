import { createRoot } from 'react-dom/client';
import { App } from './App';
import './dashboard.css';

createRoot(document.getElementById('dashboard')!).render(<App />);
