export { plotPage, type PlotChart, type PlotPage } from './plot-page.js';
